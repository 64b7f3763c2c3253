// The student portal: report, see the code and key, follow the case. No account, nothing kept
// in the browser but the language choice: the access key lives only in this page's memory.
import { t, loadLang, initialLang, applyI18n } from './lib/i18n.js';
import { api } from './lib/api.js';
import { h, fill, $, $$ } from './lib/dom.js';
import { fold } from './lib/fold.js';
import { formatDateTime, formatWait } from './lib/time.js';

const TEXT_MAX = 20000;
const STATIC_EMERGENCY = [
    { number: '113', key: 'portal.footer.police' },
    { number: '115', key: 'portal.footer.ambulance' },
    { number: '111', key: 'portal.footer.child' },
];

let institutions = []; // [{code, name, key}] key = folded "name code" for search
let instLoadFailed = false;
let result = null; // the 201 body of the last report sent from this page
let follow = null; // {code, key, data} of the case being followed

// ---------- views ----------

const VIEWS = ['report', 'result', 'follow'];

function show(view) {
    if (view === 'result' && !result) view = 'report';
    for (const v of VIEWS) $(`#view-${v}`).hidden = v !== view;
    $('#tab-report').classList.toggle('is-current', view === 'report' || view === 'result');
    $('#tab-follow').classList.toggle('is-current', view === 'follow');
    $('#tab-report').setAttribute('aria-current', view !== 'follow' ? 'page' : 'false');
    $('#tab-follow').setAttribute('aria-current', view === 'follow' ? 'page' : 'false');
}

/* Views change without adding history entries, so "quick exit" leaves nothing to go back to. */
function go(view, focusSel) {
    history.replaceState(null, '', `#${view}`);
    show(view);
    const target = focusSel ? $(focusSel) : $(`#view-${view} h1:not([hidden])`);
    if (target) {
        if (!target.hasAttribute('tabindex') && !/^(INPUT|TEXTAREA|SELECT|BUTTON|A)$/.test(target.tagName))
            target.setAttribute('tabindex', '-1');
        target.focus();
    }
}

function viewFromHash() {
    const v = location.hash.replace(/^#/, '').split('?')[0];
    return VIEWS.includes(v) ? v : 'report';
}

// ---------- errors ----------

function showError(el, msg) {
    el.textContent = msg;
    el.hidden = !msg;
}

function clearErrors(form) {
    for (const el of $$('.field-error, .notice-error', form)) showError(el, '');
    for (const el of $$('[aria-invalid]', form)) el.removeAttribute('aria-invalid');
}

function errorText(err) {
    if (err.code === 'network') return t('portal.error.network');
    if (err.code === 'rate_limited')
        return err.retryAfter != null
            ? t('portal.error.rate_limited_wait', { wait: formatWait(err.retryAfter) })
            : t('portal.error.rate_limited');
    return err.message || t('error.internal');
}

// ---------- institutions ----------

async function loadInstitutions() {
    const count = $('#inst-count');
    try {
        const data = await api('GET', '/api/v1/institutions');
        institutions = (data.items || []).map((i) => ({ ...i, key: fold(`${i.name} ${i.code}`) }));
        institutions.sort((a, b) => a.name.localeCompare(b.name, 'vi'));
        instLoadFailed = false;
    } catch {
        institutions = [];
        instLoadFailed = true;
    }
    const wanted = new URLSearchParams(location.search).get('i');
    renderInstitutions(wanted ? wanted.toUpperCase() : null);
    count.hidden = false;
}

function renderInstitutions(selectCode) {
    const list = $('#inst-list');
    const q = fold($('#inst-search').value);
    const prev = selectCode || list.value;
    const words = q ? q.split(' ') : [];
    const shown = institutions.filter((i) => words.every((w) => i.key.includes(w)));
    fill(list, shown.map((i) => h('option', { value: i.code, text: i.name })));
    if (shown.some((i) => i.code === prev)) list.value = prev;
    else if (shown.length === 1) list.value = shown[0].code;
    else list.selectedIndex = -1;
    let msg;
    if (instLoadFailed) msg = t('portal.report.institution_failed');
    else if (!shown.length) msg = t('portal.report.institution_none');
    else msg = t('portal.report.institution_count', { n: shown.length });
    $('#inst-count').textContent = msg;
}

// ---------- report ----------

function charCount(s) {
    return [...s.normalize('NFC')].length;
}

function updateCounter() {
    const n = charCount($('#report-text').value);
    $('#text-count').textContent = t('portal.report.count', { n, max: TEXT_MAX });
}

function fieldError(field, msg) {
    const el = document.getElementById(`err-${field}`);
    const input = {
        institution: '#inst-list',
        text: '#report-text',
        'contact.name': '#c-name',
        'contact.phone': '#c-phone',
        'contact.email': '#c-email',
    }[field];
    if (!el) return false;
    showError(el, msg);
    if (input) {
        if (field.startsWith('contact.')) $('#contact-box').open = true;
        $(input).setAttribute('aria-invalid', 'true');
        $(input).focus();
    }
    return true;
}

function fieldMessage(field, serverMsg) {
    const key = `portal.error.${field.replace('contact.', '')}`;
    const own = t(key);
    return own !== key ? own : serverMsg;
}

async function submitReport(ev) {
    ev.preventDefault();
    const form = $('#report-form');
    clearErrors(form);
    const institution = $('#inst-list').value;
    const text = $('#report-text').value.trim();
    if (!institution) return fieldError('institution', t('portal.error.institution'));
    if (!text) return fieldError('text', t('portal.error.text'));
    if (charCount(text) > TEXT_MAX) return fieldError('text', t('portal.error.text_long', { max: TEXT_MAX }));

    const body = { institution, text, channel: 'web' };
    const contact = {};
    for (const [k, sel] of [['name', '#c-name'], ['phone', '#c-phone'], ['email', '#c-email']]) {
        const v = $(sel).value.trim();
        if (v) contact[k] = v;
    }
    if (Object.keys(contact).length) {
        body.contact = contact;
        body.consent_contact = $('#c-consent').checked;
    }

    const btn = $('#report-submit');
    btn.disabled = true;
    btn.textContent = t('portal.report.sending');
    try {
        result = await api('POST', '/api/v1/reports', { body });
        form.reset();
        $('#contact-box').open = false;
        updateCounter();
        renderInstitutions(institution);
        renderResult();
        go('result', result.urgency === 'critical' ? '#emergency-title' : '#result-title');
    } catch (err) {
        if (err.status === 422 && err.field && fieldError(err.field, fieldMessage(err.field, err.message))) return;
        showError($('#report-error'), errorText(err));
        $('#report-error').focus?.();
    } finally {
        btn.disabled = false;
        btn.textContent = t('portal.report.submit');
    }
}

// ---------- result ----------

function renderResult() {
    if (!result) return;
    const critical = result.urgency === 'critical' || (result.emergency && result.emergency.length > 0);
    $('#emergency').hidden = !critical;
    const numbers = result.emergency && result.emergency.length
        ? result.emergency
        : STATIC_EMERGENCY.map((e) => ({ number: e.number, label: t(e.key) }));
    fill($('#emergency-list'), numbers.map((e) =>
        h('li', null, h('a', { class: 'tel-big', href: `tel:${e.number}` }, h('span', { class: 'num', text: e.number }),
            h('span', { class: 'num-label', text: e.label })))));
    $('#result-code').textContent = result.case_code;
    $('#result-key').textContent = result.access_key;
    $('#result-due').textContent = result.due_at && !critical
        ? t('portal.result.due', { time: formatDateTime(result.due_at) })
        : t('portal.result.sent');
    const advice = result.advice || [];
    $('#advice-box').hidden = advice.length === 0;
    fill($('#advice-list'), advice.map((a) => h('li', { text: a })));
    $('#copy-status').textContent = '';
}

async function copySecret() {
    const text = `${t('portal.result.code')}: ${result.case_code}\n${t('portal.result.key')}: ${result.access_key}`;
    let ok = false;
    try {
        await navigator.clipboard.writeText(text);
        ok = true;
    } catch {
        const ta = h('textarea', { class: 'offscreen', readonly: true });
        ta.value = text;
        document.body.appendChild(ta);
        ta.select();
        try {
            ok = document.execCommand('copy');
        } catch {
            ok = false;
        }
        ta.remove();
    }
    $('#copy-status').textContent = t(ok ? 'portal.result.copied' : 'portal.result.copy_failed');
}

// ---------- follow ----------

function normCode(s) {
    return s.replace(/[\s-]+/g, '').toUpperCase();
}

async function fetchCase() {
    const data = await api('GET', `/api/v1/reports/${encodeURIComponent(follow.code)}`, {
        headers: { 'X-Access-Key': follow.key },
    });
    follow.data = data;
    renderCase();
}

function followErrorText(err) {
    if (err.status === 404) return t('portal.follow.wrong');
    if (err.code === 'rate_limited')
        return err.retryAfter != null
            ? t('portal.follow.rate_limited_wait', { wait: formatWait(err.retryAfter) })
            : t('portal.follow.rate_limited');
    return errorText(err);
}

async function submitFollow(ev) {
    ev.preventDefault();
    const form = $('#follow-form');
    clearErrors(form);
    const code = normCode($('#f-code').value);
    const key = $('#f-key').value.trim();
    if (!code || !key) {
        showError($('#follow-error'), t('portal.follow.need_both'));
        $(code ? '#f-key' : '#f-code').focus();
        return;
    }
    const btn = $('#follow-submit');
    btn.disabled = true;
    follow = { code, key, data: null };
    try {
        await fetchCase();
        $('#case-box').hidden = false;
        $('#case-status').focus();
    } catch (err) {
        follow = null;
        $('#case-box').hidden = true;
        showError($('#follow-error'), followErrorText(err));
        $('#f-key').setAttribute('aria-invalid', 'true');
    } finally {
        btn.disabled = false;
    }
}

function renderCase() {
    if (!follow || !follow.data) return;
    const d = follow.data;
    const st = $('#case-status');
    st.textContent = t(`portal.status.${d.status}`);
    st.setAttribute('tabindex', '-1');
    $('#case-opened').textContent = t('portal.follow.opened', { code: d.case_code, time: formatDateTime(d.opened_at) });
    const msgs = d.messages || [];
    fill($('#case-messages'), msgs.map((m) => {
        const mine = m.author === 'student';
        return h('li', { class: `msg ${mine ? 'msg-student' : 'msg-staff'}` },
            h('p', { class: 'msg-meta' },
                h('strong', { text: t(mine ? 'portal.follow.you' : 'portal.follow.counsellor') }),
                ' · ', h('time', { datetime: m.at, text: formatDateTime(m.at) })),
            h('p', { class: 'msg-body', text: m.body }));
    }));
    if (!msgs.some((m) => m.author !== 'student'))
        $('#case-messages').appendChild(h('li', { class: 'msg msg-empty', text: t('portal.follow.no_reply') }));
}

async function submitWrite(ev) {
    ev.preventDefault();
    clearErrors($('#write-form'));
    $('#write-status').textContent = '';
    const text = $('#write-text').value.trim();
    if (!text) {
        showError($('#write-error'), t('portal.error.text'));
        $('#write-text').focus();
        return;
    }
    const btn = $('#write-submit');
    btn.disabled = true;
    try {
        await api('POST', `/api/v1/reports/${encodeURIComponent(follow.code)}/messages`, {
            body: { text },
            headers: { 'X-Access-Key': follow.key },
        });
        $('#write-text').value = '';
        await fetchCase();
        $('#write-status').textContent = t('portal.follow.sent');
    } catch (err) {
        showError($('#write-error'), err.status === 404 ? t('portal.follow.wrong') : followErrorText(err));
    } finally {
        btn.disabled = false;
    }
}

async function refreshCase() {
    clearErrors($('#write-form'));
    try {
        await fetchCase();
        $('#write-status').textContent = t('portal.follow.refreshed');
    } catch (err) {
        showError($('#write-error'), followErrorText(err));
    }
}

function forget() {
    follow = null;
    $('#f-code').value = '';
    $('#f-key').value = '';
    $('#write-text').value = '';
    fill($('#case-messages'));
    $('#case-box').hidden = true;
    $('#f-code').focus();
}

// ---------- quick exit ----------

function quickExit() {
    // Hide at once, forget everything, and leave without a history entry to come back to.
    document.body.classList.add('exiting');
    for (const el of $$('input, textarea')) el.value = '';
    result = null;
    follow = null;
    location.replace('about:blank');
}

// ---------- language ----------

async function switchLang(l) {
    if (!(await loadLang(l))) return;
    applyI18n();
    document.title = t('portal.title');
    markLang();
    renderInstitutions();
    updateCounter();
    renderResult();
    renderCase();
}

function markLang() {
    for (const b of $$('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === document.documentElement.lang));
}

// ---------- start ----------

function bind() {
    $('#quick-exit').addEventListener('click', quickExit);
    for (const b of $$('[data-lang]')) b.addEventListener('click', () => switchLang(b.dataset.lang));
    for (const a of $$('a[href^="#"]')) {
        const view = a.getAttribute('href').slice(1);
        if (!VIEWS.includes(view)) continue;
        a.addEventListener('click', (ev) => {
            ev.preventDefault();
            if (a.id === 'result-follow' && result) {
                $('#f-code').value = result.case_code;
                $('#f-key').value = result.access_key;
            }
            go(view);
        });
    }
    window.addEventListener('hashchange', () => show(viewFromHash()));
    $('#inst-search').addEventListener('input', () => renderInstitutions());
    $('#inst-search').addEventListener('keydown', (ev) => {
        if (ev.key === 'ArrowDown' && $('#inst-list').options.length) {
            ev.preventDefault();
            $('#inst-list').focus();
            if ($('#inst-list').selectedIndex < 0) $('#inst-list').selectedIndex = 0;
        }
    });
    $('#report-text').addEventListener('input', updateCounter);
    $('#report-form').addEventListener('submit', submitReport);
    $('#copy-btn').addEventListener('click', copySecret);
    $('#follow-form').addEventListener('submit', submitFollow);
    $('#f-show').addEventListener('change', () => {
        $('#f-key').type = $('#f-show').checked ? 'text' : 'password';
    });
    $('#write-form').addEventListener('submit', submitWrite);
    $('#refresh-btn').addEventListener('click', refreshCase);
    $('#forget-btn').addEventListener('click', forget);
}

async function start() {
    const ok = await loadLang(initialLang());
    if (!ok) {
        $('#load-error').hidden = false;
        document.body.classList.remove('is-loading');
        return;
    }
    applyI18n();
    document.title = t('portal.title');
    markLang();
    bind();
    updateCounter();
    show(viewFromHash());
    document.body.classList.remove('is-loading');
    await loadInstitutions();
}

start();
