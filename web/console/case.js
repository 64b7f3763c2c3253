// The case view: the student's words with the triage signals highlighted where they fired,
// why the case has its urgency, one timeline of messages, internal notes and changes, and the
// actions a counsellor may take (only the transitions the server allows).
import { h, fill, $ } from '../lib/dom.js';
import { t, has } from '../lib/i18n.js';
import { formatDateTime } from '../lib/time.js';
import { state, capi, consoleError, label, canWork, CATEGORIES, URGENCIES } from './state.js';
import { dueElement } from './countdown.js';
import { segment } from './highlight.js';
import { knownAssignees } from './queue.js';

let current = null; // the case object last received
let currentCode = null;
let flash = null; // {kind: 'ok'|'error', text} shown after the next render
let contactShown = null; // contact details unsealed for current (cleared when the case changes)
let callSecret = null; // {code, key} of a phone call just logged: shown once, to read out

/** After logging a call: show its code and access key on the case view, once. */
export function setCallSecret(code, key) {
    callSecret = key ? { code, key } : null;
}

const root = () => $('#view-case');

export async function openCase(code) {
    if (code !== currentCode) {
        current = null;
        contactShown = null;
        flash = null;
        if (callSecret && callSecret.code !== code) callSecret = null;
    }
    currentCode = code;
    if (!current) fill(root(), h('p', { class: 'hint', text: t('console.loading') }));
    try {
        const data = await capi('GET', `/api/v1/cases/${encodeURIComponent(code)}`);
        if (code !== currentCode) return;
        current = data;
        render(true);
    } catch (err) {
        if (err.status === 401) return;
        fill(root(),
            h('p', null, h('a', { href: '#/', text: t('console.case.back') })),
            h('h1', { id: 'case-title', tabindex: '-1', text: t('console.case.title', { code }) }),
            h('p', { class: 'notice notice-error', role: 'alert', text: consoleError(err) }));
    }
}

/** Re-render the open case (after a language switch). */
export function rerenderCase() {
    if (current && !root().hidden) render(false);
}

function say(kind, text) {
    flash = { kind, text };
}

async function act(fn, okText) {
    try {
        const res = await fn();
        say('ok', okText);
        if (res && res.code === currentCode && res.messages) {
            current = res;
            render(false);
        } else {
            await openCase(currentCode);
        }
        return true;
    } catch (err) {
        if (err.status === 401) return false;
        let text = consoleError(err);
        if (err.status === 409 && Array.isArray(err.detail.allowed))
            text = t('console.error.transition', { allowed: err.detail.allowed.map((s) => label('status', s)).join(', ') || '—' });
        else if (err.status === 422 && err.field) text = t('console.error.field', { field: t(`console.field.${err.field}`), message: err.message });
        say('error', text);
        await openCase(currentCode);
        return false;
    }
}

function patch(body, okText) {
    return act(() => capi('PATCH', `/api/v1/cases/${encodeURIComponent(currentCode)}`, body), okText);
}

// ---------- pieces ----------

function studentText(c) {
    const spans = [
        ...(c.signals || []).map((s) => ({ ...s, _kind: 'signal' })),
        ...(c.entities || []).map((e) => ({ ...e, _kind: 'entity' })),
    ];
    const { segments } = segment(c.text || '', spans);
    const parts = segments.map((seg) => {
        if (!seg.spans.length) return seg.text;
        const sig = seg.spans.filter((s) => s._kind === 'signal');
        const ent = seg.spans.filter((s) => s._kind === 'entity');
        const cls = ['hl'];
        if (sig.length) cls.push('hl-sig');
        if (sig.some((s) => s.folded_only)) cls.push('hl-folded');
        if (ent.length) cls.push('hl-ent');
        if (ent.some((e) => e.known_bad)) cls.push('hl-bad');
        const title = [
            ...sig.map((s) => t('console.case.signal_title', { phrase: s.phrase, category: s.category ? label('category', s.category) : label('signal', s.kind), weight: s.weight })),
            ...ent.map((e) => `${label('entity', e.kind)}${e.known_bad ? ` — ${t('console.case.known_bad')}` : ''}`),
        ].join('\n');
        return h('mark', { class: cls.join(' '), title }, seg.text);
    });
    return h('div', { class: 'student-text', lang: 'vi' }, parts);
}

function signalsTable(c) {
    const sigs = c.signals || [];
    if (!sigs.length) return h('p', { class: 'hint', text: t('console.case.no_signals') });
    return h('table', { class: 'mini' },
        h('thead', null, h('tr', null,
            h('th', { scope: 'col', text: t('console.case.sig_phrase') }),
            h('th', { scope: 'col', text: t('console.case.sig_kind') }),
            h('th', { scope: 'col', text: t('console.col.category') }),
            h('th', { scope: 'col', text: t('console.case.sig_weight') }))),
        h('tbody', null, sigs.map((s) => h('tr', null,
            h('td', null, h('mark', { class: `hl hl-sig${s.folded_only ? ' hl-folded' : ''}`, text: s.phrase }),
                s.folded_only ? h('span', { class: 'tag', text: t('console.case.folded_only') }) : null),
            h('td', { text: label('signal', s.kind) }),
            h('td', { text: s.category ? label('category', s.category) : '—' }),
            h('td', { text: String(s.weight ?? '') })))));
}

function timeline(c) {
    const items = [
        ...(c.messages || []).map((m) => ({ at: m.at, type: 'msg', m })),
        ...(c.events || []).map((e) => ({ at: e.at, type: 'event', e })),
    ];
    items.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    if (!items.length) return h('p', { class: 'hint', text: t('console.case.no_messages') });
    return h('ol', { class: 'timeline' }, items.map((it) => (it.type === 'msg' ? messageItem(it.m) : eventItem(it.e))));
}

function messageItem(m) {
    const who = m.author === 'student' ? t('console.case.author_student')
        : m.author === 'system' ? t('console.case.author_system')
            : m.author_name || t('console.case.author_staff');
    const cls = `tl-item tl-msg tl-${m.author}${m.internal ? ' tl-internal' : ''}`;
    return h('li', { class: cls },
        h('p', { class: 'tl-meta' },
            h('strong', { text: who }),
            m.internal ? h('span', { class: 'tag tag-internal', text: t('console.case.internal') })
                : (m.author === 'staff' ? h('span', { class: 'tag tag-public', text: t('console.case.public') }) : null),
            h('time', { datetime: m.at, text: formatDateTime(m.at) })),
        h('p', { class: 'tl-body', text: m.body }));
}

function eventValue(kind, v) {
    if (v === null || v === undefined || v === '') return kind === 'assignee' ? t('console.assignee.none') : '—';
    if (kind === 'status' || kind === 'category' || kind === 'urgency') return label(kind, v);
    return String(v);
}

function eventItem(e) {
    const what = has(`event.${e.kind}`) ? t(`event.${e.kind}`) : e.kind;
    const hasChange = e.kind !== 'created' && ((e.from !== undefined && e.from !== null) || (e.to !== undefined && e.to !== null));
    const change = hasChange ? `${eventValue(e.kind, e.from)} → ${eventValue(e.kind, e.to)}` : '';
    const actor = e.actor_kind === 'student' ? t('console.case.author_student')
        : e.actor_kind === 'system' || !e.actor ? t('console.case.author_system') : e.actor;
    return h('li', { class: 'tl-item tl-event' },
        h('p', { class: 'tl-meta' },
            h('strong', { text: actor }), ' ',
            h('span', { text: what }),
            h('time', { datetime: e.at, text: formatDateTime(e.at) })),
        change ? h('p', { class: 'tl-change', text: change }) : null,
        e.reason ? h('p', { class: 'tl-reason', text: t('console.case.reason_is', { reason: e.reason }) }) : null);
}

function replyForm() {
    const ta = h('textarea', { id: 'reply-text', rows: '4', maxlength: '20000', 'aria-describedby': 'reply-hint' });
    const send = async (internal) => {
        const body = ta.value.trim();
        if (!body) {
            say('error', t('console.case.reply_empty'));
            render(false);
            $('#reply-text')?.focus();
            return;
        }
        const ok = await act(() => capi('POST', `/api/v1/cases/${encodeURIComponent(currentCode)}/messages`, { body, internal }),
            t(internal ? 'console.case.note_saved' : 'console.case.reply_sent'));
        const again = $('#reply-text');
        if (again) again.value = ok ? '' : body; // keep the draft after a failure
    };
    return h('form', { class: 'reply', id: 'reply-form', onsubmit: (ev) => { ev.preventDefault(); send(false); } },
        h('label', { for: 'reply-text', class: 'label', text: t('console.case.reply_label') }),
        h('p', { class: 'hint', id: 'reply-hint', text: t('console.case.reply_hint') }),
        ta,
        h('div', { class: 'row' },
            h('button', { type: 'submit', class: 'btn btn-primary', id: 'reply-public', text: t('console.case.reply_public') }),
            h('button', { type: 'button', class: 'btn btn-note', id: 'reply-internal', text: t('console.case.reply_internal'), onclick: () => send(true) })));
}

function statusSection(c) {
    const allowed = c.allowed_transitions || [];
    return h('section', { class: 'side-box', 'aria-labelledby': 'st-title' },
        h('h2', { id: 'st-title', text: t('console.case.status') }),
        h('p', null, t('console.case.status_now'), ' ', h('strong', { id: 'case-status', text: label('status', c.status) })),
        allowed.length
            ? h('div', { class: 'row', id: 'transitions' }, allowed.map((s) => h('button', {
                type: 'button', class: `btn btn-small${s === 'resolved' ? ' btn-primary' : ''}`, 'data-to': s,
                text: t(`console.transition.${s}`),
                onclick: () => patch({ status: s }, t('console.case.status_changed', { status: label('status', s) })),
            })))
            : h('p', { class: 'hint', text: t('console.case.no_transitions') }));
}

function assignSection(c) {
    const me = state.account.username;
    const input = h('input', { id: 'assign-to', type: 'text', list: 'assignee-list', autocomplete: 'off', maxlength: '100' });
    const list = h('datalist', { id: 'assignee-list' }, [...knownAssignees].sort().map((a) => h('option', { value: a })));
    return h('section', { class: 'side-box', 'aria-labelledby': 'as-title' },
        h('h2', { id: 'as-title', text: t('console.case.assignee') }),
        h('p', null, h('strong', { id: 'case-assignee', text: c.assignee ? (c.assignee === me ? t('console.assignee.me', { name: me }) : c.assignee) : t('console.assignee.none') })),
        h('div', { class: 'row' },
            c.assignee !== me ? h('button', { type: 'button', class: 'btn btn-small', id: 'assign-me', text: t('console.case.assign_me'),
                onclick: () => patch({ assignee: me }, t('console.case.assigned', { name: me })) }) : null,
            c.assignee ? h('button', { type: 'button', class: 'btn btn-small', id: 'unassign', text: t('console.case.unassign'),
                onclick: () => patch({ assignee: null }, t('console.case.unassigned')) }) : null),
        h('form', { class: 'inline-form', onsubmit: (ev) => {
            ev.preventDefault();
            const name = input.value.trim();
            if (!name) { input.focus(); return; }
            patch({ assignee: name }, t('console.case.assigned', { name }));
        } },
            h('label', { for: 'assign-to', class: 'label', text: t('console.case.assign_other') }),
            h('div', { class: 'row' }, input, list, h('button', { type: 'submit', class: 'btn btn-small', text: t('console.case.assign') }))));
}

function reclassSection(c) {
    const cat = h('select', { id: 'rc-category' }, CATEGORIES.map((k) => h('option', { value: k, text: label('category', k) })));
    cat.value = c.category;
    const urg = h('select', { id: 'rc-urgency' }, URGENCIES.map((k) => h('option', { value: k, text: label('urgency', k) })));
    urg.value = c.urgency;
    const reason = h('textarea', { id: 'rc-reason', rows: '2', maxlength: '2000' });
    const err = h('p', { class: 'field-error', id: 'rc-error', hidden: true });
    return h('details', { class: 'side-box', id: 'reclass' },
        h('summary', { text: t('console.case.reclass') }),
        h('form', { onsubmit: (ev) => {
            ev.preventDefault();
            const body = {};
            if (cat.value !== c.category) body.category = cat.value;
            if (urg.value !== c.urgency) body.urgency = urg.value;
            if (!Object.keys(body).length) { err.textContent = t('console.case.reclass_same'); err.hidden = false; return; }
            if (!reason.value.trim()) { err.textContent = t('console.case.reclass_reason_needed'); err.hidden = false; reason.focus(); return; }
            body.reason = reason.value.trim();
            patch(body, t('console.case.reclassed'));
        } },
            h('div', { class: 'field' }, h('label', { for: 'rc-category', class: 'label', text: t('console.col.category') }), cat),
            h('div', { class: 'field' }, h('label', { for: 'rc-urgency', class: 'label', text: t('console.col.urgency') }), urg),
            h('div', { class: 'field' }, h('label', { for: 'rc-reason', class: 'label', text: t('console.case.reason') }), reason),
            err,
            h('button', { type: 'submit', class: 'btn btn-small', id: 'rc-submit', text: t('console.case.reclass_submit') })));
}

function contactSection(c) {
    const box = h('section', { class: 'side-box', 'aria-labelledby': 'ct-title' }, h('h2', { id: 'ct-title', text: t('console.case.contact') }));
    if (!c.has_contact) {
        box.append(h('p', { class: 'hint', text: t('console.case.no_contact') }));
        return box;
    }
    box.append(h('p', { class: 'hint', text: t(c.consent_contact ? 'console.case.consent_yes' : 'console.case.consent_no') }));
    const me = state.account.username;
    const allowed = state.account.role === 'lead' || c.assignee === me;
    if (contactShown) {
        const d = contactShown;
        box.append(h('dl', { class: 'facts', id: 'contact-details' },
            d.name ? [h('dt', { text: t('portal.report.contact_name') }), h('dd', { text: d.name })] : null,
            d.phone ? [h('dt', { text: t('portal.report.contact_phone') }), h('dd', null, h('a', { href: `tel:${d.phone}`, text: d.phone }))] : null,
            d.email ? [h('dt', { text: t('portal.report.contact_email') }), h('dd', null, h('a', { href: `mailto:${d.email}`, text: d.email }))] : null),
        h('p', { class: 'hint', text: t('console.case.contact_logged') }),
        h('button', { type: 'button', class: 'btn btn-small', text: t('console.case.contact_hide'), onclick: () => { contactShown = null; render(false); } }));
        return box;
    }
    if (!allowed) {
        box.append(h('p', { class: 'hint', id: 'contact-denied', text: t('console.case.contact_who') }));
        return box;
    }
    const confirm = h('div', { class: 'notice notice-warn', id: 'contact-confirm', hidden: true },
        h('p', { text: t('console.case.contact_warn') }),
        h('div', { class: 'row' },
            h('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'contact-go', text: t('console.case.contact_go'), onclick: async () => {
                try {
                    contactShown = await capi('GET', `/api/v1/cases/${encodeURIComponent(currentCode)}/contact`);
                } catch (err) {
                    if (err.status === 401) return;
                    say('error', err.status === 403 ? t('console.case.contact_who') : consoleError(err));
                }
                render(false);
            } }),
            h('button', { type: 'button', class: 'btn btn-small', text: t('console.case.cancel'), onclick: () => { confirm.hidden = true; } })));
    box.append(h('button', { type: 'button', class: 'btn btn-small', id: 'contact-show', text: t('console.case.contact_show'),
        onclick: () => { confirm.hidden = false; $('#contact-go')?.focus(); } }), confirm);
    return box;
}

function entitiesSection(c) {
    const ents = c.entities || [];
    return h('section', { class: 'side-box', 'aria-labelledby': 'en-title' },
        h('h2', { id: 'en-title', text: t('console.case.entities') }),
        ents.length
            ? h('ul', { class: 'plain', id: 'entities' }, ents.map((e) => h('li', { class: e.known_bad ? 'ent-bad' : '' },
                h('span', { class: 'ent-kind', text: label('entity', e.kind) }), ' ',
                h('code', { text: e.value }),
                e.known_bad ? h('span', { class: 'tag tag-bad', text: t('console.case.known_bad') }) : null)))
            : h('p', { class: 'hint', text: t('console.case.no_entities') }));
}

function linkedSection(c) {
    const links = c.linked || [];
    return h('section', { class: 'side-box', 'aria-labelledby': 'ln-title' },
        h('h2', { id: 'ln-title', text: t('console.case.linked') }),
        links.length
            ? h('ul', { class: 'plain', id: 'linked' }, links.map((l) => h('li', null,
                h('a', { href: `#/case/${encodeURIComponent(l.code)}`, text: l.code }),
                l.institution && l.institution !== c.institution ? ` (${l.institution})` : '',
                l.via ? h('span', { class: 'hint', text: ` — ${t('console.case.linked_via', { kind: label('entity', l.via.kind), value: l.via.value })}` }) : null)))
            : h('p', { class: 'hint', text: t('console.case.no_linked') }));
}

function callSecretBox() {
    return h('section', { class: 'call-secret', id: 'call-secret', 'aria-labelledby': 'cs-title' },
        h('h2', { id: 'cs-title', text: t('console.call.secret_title') }),
        h('p', { text: t('console.call.secret_hint') }),
        h('dl', { class: 'secret-list' },
            h('div', null, h('dt', { text: t('portal.result.code') }), h('dd', { class: 'code-big', id: 'call-code', text: callSecret.code })),
            h('div', null, h('dt', { text: t('portal.result.key') }), h('dd', { class: 'code-big', id: 'call-key', text: callSecret.key }))),
        h('button', { type: 'button', class: 'btn btn-small', id: 'call-secret-done', text: t('console.call.secret_done'),
            onclick: () => { callSecret = null; render(false); } }));
}

function fact(name, value) {
    return [h('dt', { text: name }), h('dd', null, value)];
}

// ---------- render ----------

function render(focusTitle) {
    const c = current;
    const work = canWork();
    const draft = $('#reply-text')?.value || '';
    const openDetails = $('#reclass')?.open || false;
    const msg = flash;
    flash = null;
    fill(root(),
        h('p', { class: 'crumbs' }, h('a', { href: '#/', text: t('console.case.back') })),
        h('div', { class: 'case-head' },
            h('h1', { id: 'case-title', tabindex: '-1' }, t('console.case.title', { code: c.code })),
            h('p', { class: 'row case-tags' },
                h('span', { class: `badge u-${c.urgency}`, id: 'case-urgency', text: label('urgency', c.urgency) }),
                h('span', { class: 'tag', id: 'case-category', text: label('category', c.category) }),
                h('span', { class: 'tag', text: label('status', c.status) }),
                c.needs_review ? h('span', { class: 'tag tag-review', text: t('console.case.needs_review') }) : null)),
        callSecret && callSecret.code === c.code ? callSecretBox() : null,
        msg ? h('p', { class: `notice notice-${msg.kind === 'ok' ? 'ok' : 'error'}`, id: 'case-msg', role: msg.kind === 'ok' ? 'status' : 'alert', text: msg.text }) : null,
        h('dl', { class: 'facts facts-row' },
            fact(t('console.col.due'), dueElement(c)),
            fact(t('console.col.opened'), formatDateTime(c.opened_at)),
            fact(t('console.col.channel'), label('channel', c.channel)),
            fact(t('console.case.institution'), c.institution || ''),
            fact(t('console.case.score'), c.score === undefined || c.score === null ? '—' : String(c.score)),
            c.first_response_at ? fact(t('console.case.first_response'), formatDateTime(c.first_response_at)) : null,
            c.resolved_at ? fact(t('console.case.resolved_at'), formatDateTime(c.resolved_at)) : null),
        h('div', { class: 'case-grid' },
            h('div', { class: 'case-main' },
                h('section', { 'aria-labelledby': 'tx-title' },
                    h('h2', { id: 'tx-title', text: t('console.case.text') }),
                    studentText(c),
                    h('p', { class: 'hint legend' },
                        h('mark', { class: 'hl hl-sig', text: t('console.case.legend_signal') }), ' ',
                        h('mark', { class: 'hl hl-sig hl-folded', text: t('console.case.legend_folded') }), ' ',
                        h('mark', { class: 'hl hl-ent', text: t('console.case.legend_entity') }))),
                h('section', { 'aria-labelledby': 'rs-title' },
                    h('h2', { id: 'rs-title', text: t('console.case.reasons', { urgency: label('urgency', c.urgency) }) }),
                    (c.reasons || []).length ? h('ul', { id: 'reasons' }, c.reasons.map((r) => h('li', { text: label('reason', r) })))
                        : h('p', { class: 'hint', text: t('console.case.no_reasons') }),
                    signalsTable(c)),
                h('section', { 'aria-labelledby': 'tl-title' },
                    h('h2', { id: 'tl-title', text: t('console.case.timeline') }),
                    timeline(c)),
                work ? replyForm() : null),
            h('aside', { class: 'case-side', 'aria-label': t('console.case.actions') },
                work ? statusSection(c) : null,
                work ? assignSection(c) : null,
                work ? reclassSection(c) : null,
                contactSection(c),
                entitiesSection(c),
                linkedSection(c))));
    if (draft && $('#reply-text')) $('#reply-text').value = draft;
    if (openDetails && $('#reclass')) $('#reclass').open = true;
    if (focusTitle) $('#case-title').focus();
}
