// The counsellor console: login, router (#/ queue, #/case/CODE, #/call), polling for new
// cases with a banner (and a sound when allowed), the "blank screen" key, language switch.
import { t, loadLang, initialLang, applyI18n } from '../lib/i18n.js';
import { api } from '../lib/api.js';
import { h, fill, $, $$ } from '../lib/dom.js';
import { formatTime, formatWait } from '../lib/time.js';
import { state, capi, consoleError, noteServerNow, label } from './state.js';
import { initQueue, loadQueue, renderFilters } from './queue.js';
import { openCase, rerenderCase } from './case.js';
import { initCall } from './call.js';
import { tick } from './countdown.js';

const POLL_MS = 5000;
const QUEUE_REFRESH_MS = 30000;
const VIEWS = ['login', 'queue', 'case', 'call'];

let pollTimer = 0;
let since = null; // server time of the last poll: only cases opened after it are new
const alerted = new Set();
let lastQueueLoad = 0;
let soundOn = false;
let baseTitle = 'tongdai';

function setTitle(s) {
    baseTitle = s;
    if ($('#alert-banner').hidden && $('#blank').hidden) document.title = s;
}
let audioCtx = null;

// ---------- views and routing ----------

function show(view) {
    for (const v of VIEWS) $(`#view-${v}`).hidden = v !== view;
    $('#nav-queue').setAttribute('aria-current', view === 'queue' ? 'page' : 'false');
    $('#nav-call').setAttribute('aria-current', view === 'call' ? 'page' : 'false');
}

function parseRoute() {
    const hash = location.hash.replace(/^#\/?/, '');
    const m = hash.match(/^case\/([^/?#]+)/);
    if (m) return { view: 'case', code: decodeURIComponent(m[1]) };
    if (hash.startsWith('call')) return { view: 'call' };
    return { view: 'queue' };
}

function route(focus = true) {
    if (!state.account) {
        showLogin();
        return;
    }
    const r = parseRoute();
    if (state.account.role === 'admin') {
        show('queue');
        fill($('#queue-body'));
        $('#queue-error').textContent = t('console.admin_no_cases');
        $('#queue-error').hidden = false;
        return;
    }
    if (r.view === 'call' && !(state.account.role === 'counsellor' || state.account.role === 'lead')) r.view = 'queue';
    show(r.view);
    if (r.view === 'queue') {
        setTitle(t('console.title_queue'));
        loadQueue().then(() => { lastQueueLoad = Date.now(); });
        if (focus) $('#queue-title').focus?.();
    } else if (r.view === 'case') {
        setTitle(t('console.title_case', { code: r.code }));
        openCase(r.code);
    } else {
        setTitle(t('console.title_call'));
        if (focus) $('#call-text').focus();
    }
}

// ---------- session ----------

function setAccount(data) {
    state.account = data.account;
    state.csrf = data.csrf_token;
    const a = state.account;
    $('#whoami').textContent = t('console.whoami', { name: a.display_name || a.username, role: label('role', a.role) });
    $('#whoami').hidden = false;
    $('#logout-btn').hidden = false;
    $('#mainnav').hidden = false;
    $('#nav-call').hidden = !(a.role === 'counsellor' || a.role === 'lead');
    $('#sound-btn').hidden = false;
    since = null;
    alerted.clear();
    startPolling();
}

function clearAccountUi() {
    $('#whoami').hidden = true;
    $('#logout-btn').hidden = true;
    $('#mainnav').hidden = true;
    $('#sound-btn').hidden = true;
    hideBanner();
    stopPolling();
}

function showLogin(info) {
    clearAccountUi();
    show('login');
    setTitle(t('console.title_login'));
    const box = $('#login-info');
    box.textContent = info || '';
    box.hidden = !info;
    $('#login-error').hidden = true;
    $('#login-pass').value = '';
    $('#login-user').focus();
}

function loginError(err) {
    if (err.status === 401) return t('console.login.wrong');
    if (err.status === 422 || err.status === 400) return t('console.login.missing');
    if (err.code === 'rate_limited')
        return err.retryAfter != null ? t('console.login.rate_limited_wait', { wait: formatWait(err.retryAfter) }) : t('console.login.rate_limited');
    if (err.code === 'network') return t('console.error.network');
    return err.message || t('error.internal');
}

async function login(ev) {
    ev.preventDefault();
    const username = $('#login-user').value.trim();
    const password = $('#login-pass').value;
    const box = $('#login-error');
    box.hidden = true;
    if (!username || !password) {
        box.textContent = t('console.login.missing');
        box.hidden = false;
        (username ? $('#login-pass') : $('#login-user')).focus();
        return;
    }
    const btn = $('#login-submit');
    btn.disabled = true;
    try {
        const data = await api('POST', '/api/v1/session', { body: { username, password } });
        $('#login-pass').value = '';
        $('#login-info').hidden = true;
        setAccount(data);
        route();
    } catch (err) {
        box.textContent = loginError(err);
        box.hidden = false;
        $('#login-pass').focus();
    } finally {
        btn.disabled = false;
    }
}

async function logout() {
    try {
        await capi('DELETE', '/api/v1/session');
    } catch {
        /* the session may already be gone; we log out locally anyway */
    }
    state.account = null;
    state.csrf = null;
    showLogin(t('console.login.logged_out'));
}

function expired() {
    showLogin(t('console.login.expired'));
}

// ---------- polling and the new-case banner ----------

function startPolling() {
    stopPolling();
    pollTimer = setInterval(poll, POLL_MS);
    poll();
}

function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = 0;
}

async function poll() {
    if (!state.account || state.account.role === 'admin') return;
    try {
        if (!since) {
            const first = await capi('GET', '/api/v1/cases?limit=1');
            noteServerNow(first.now);
            since = first.now || new Date().toISOString();
            return;
        }
        const data = await capi('GET', `/api/v1/cases?since=${encodeURIComponent(since)}&limit=200`);
        noteServerNow(data.now);
        if (data.now) since = data.now;
        const fresh = (data.items || []).filter((it) => !alerted.has(it.code));
        for (const it of fresh) alerted.add(it.code);
        const critical = fresh.filter((it) => it.urgency === 'critical');
        if (critical.length) announce(critical);
        const onQueue = !$('#view-queue').hidden;
        if (onQueue && (fresh.length || Date.now() - lastQueueLoad > QUEUE_REFRESH_MS)) {
            lastQueueLoad = Date.now();
            await loadQueue();
        }
    } catch (err) {
        if (err.status === 401) return;
        // A failed poll is retried at the next tick; the queue view shows load errors itself.
    }
}

function announce(items) {
    const list = $('#alert-list');
    for (const it of items) {
        list.append(h('li', null,
            h('a', { href: `#/case/${encodeURIComponent(it.code)}`, class: 'alert-link' },
                h('span', { class: 'badge u-critical', text: label('urgency', 'critical') }), ' ',
                h('strong', { text: it.code }), ` — ${label('category', it.category)} · ${label('channel', it.channel)} · ${formatTime(it.opened_at)}`)));
    }
    $('#alert-banner').hidden = false;
    const alertTitle = `(${list.children.length}) ${t('console.alert.title_short')}`;
    if ($('#blank').hidden) document.title = alertTitle;
    else titleBeforeBlank = alertTitle;
    if (soundOn) beep();
}

function hideBanner() {
    fill($('#alert-list'));
    $('#alert-banner').hidden = true;
    if ($('#blank').hidden) document.title = baseTitle;
}

function beep() {
    try {
        audioCtx = audioCtx || new AudioContext();
        const now = audioCtx.currentTime;
        for (const [i, f] of [[0, 880], [1, 660], [2, 880]]) {
            const o = audioCtx.createOscillator();
            const g = audioCtx.createGain();
            o.frequency.value = f;
            g.gain.setValueAtTime(0.0001, now + i * 0.25);
            g.gain.exponentialRampToValueAtTime(0.3, now + i * 0.25 + 0.02);
            g.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.25 + 0.2);
            o.connect(g).connect(audioCtx.destination);
            o.start(now + i * 0.25);
            o.stop(now + i * 0.25 + 0.22);
        }
    } catch {
        /* no audio on this machine */
    }
}

function toggleSound() {
    soundOn = !soundOn;
    try {
        localStorage.setItem('tongdai.sound', soundOn ? '1' : '0');
    } catch {
        /* ignore */
    }
    $('#sound-btn').setAttribute('aria-pressed', String(soundOn));
    if (soundOn) {
        // The click is the user gesture that lets the browser play sound later.
        audioCtx = audioCtx || new AudioContext();
        audioCtx.resume?.();
    }
}

// ---------- blank screen ----------

let lastEsc = -Infinity;
let titleBeforeBlank = '';

function blank() {
    if (!$('#blank').hidden) return;
    titleBeforeBlank = document.title;
    $('#app').hidden = true;
    $('#blank').hidden = false;
    document.title = t('console.blank.title');
    $('#unblank').focus();
}

function unblank() {
    $('#blank').hidden = true;
    $('#app').hidden = false;
    document.title = $('#alert-banner').hidden ? baseTitle : titleBeforeBlank;
    $('#blank-btn').focus();
}

function onKey(ev) {
    if (ev.key !== 'Escape') return;
    const now = performance.now();
    if (now - lastEsc < 800) {
        lastEsc = -Infinity;
        blank();
    } else {
        lastEsc = now;
    }
}

// ---------- language ----------

async function switchLang(l) {
    if (!(await loadLang(l))) return;
    applyI18n();
    markLang();
    renderFilters();
    if (state.account) {
        $('#whoami').textContent = t('console.whoami', { name: state.account.display_name || state.account.username, role: label('role', state.account.role) });
        const r = parseRoute();
        if (r.view === 'queue') loadQueue();
        else if (r.view === 'case') rerenderCase();
    } else {
        setTitle(t('console.title_login'));
    }
}

function markLang() {
    for (const b of $$('[data-lang]')) b.setAttribute('aria-pressed', String(b.dataset.lang === document.documentElement.lang));
}

// ---------- start ----------

async function start() {
    if (!(await loadLang(initialLang()))) {
        $('#load-error').hidden = false;
        document.body.classList.remove('is-loading');
        return;
    }
    applyI18n();
    markLang();
    state.onExpired = expired;
    try {
        soundOn = localStorage.getItem('tongdai.sound') === '1';
    } catch {
        soundOn = false;
    }
    $('#sound-btn').setAttribute('aria-pressed', String(soundOn));

    $('#login-form').addEventListener('submit', login);
    $('#logout-btn').addEventListener('click', logout);
    $('#blank-btn').addEventListener('click', blank);
    $('#unblank').addEventListener('click', unblank);
    $('#sound-btn').addEventListener('click', toggleSound);
    $('#alert-dismiss').addEventListener('click', hideBanner);
    $('#alert-list').addEventListener('click', (ev) => { if (ev.target.closest('a')) hideBanner(); });
    document.addEventListener('keydown', onKey);
    for (const b of $$('[data-lang]')) b.addEventListener('click', () => switchLang(b.dataset.lang));
    window.addEventListener('hashchange', () => route());
    initQueue();
    initCall();
    setInterval(tick, 1000);

    try {
        const data = await api('GET', '/api/v1/session');
        if (data && data.account) setAccount(data);
    } catch (err) {
        if (err.status !== 401) {
            $('#global-error').textContent = consoleError(err);
            $('#global-error').hidden = false;
        }
    }
    document.body.classList.remove('is-loading');
    route(false);
}

start();
