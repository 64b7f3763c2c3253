// The queue: one row per case, most dangerous first (the server's order), with filters and
// diacritic-insensitive search done by the server (q).
import { h, fill, $ } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { formatDateTime } from '../lib/time.js';
import { state, capi, consoleError, noteServerNow, label, CATEGORIES, URGENCIES, STATUSES } from './state.js';
import { dueElement } from './countdown.js';

const filters = { q: '', status: '', urgency: '', category: '', assignee: '' };
let cursor = null;
let loading = 0;
export const knownAssignees = new Set();

function options(sel, items, current) {
    fill(sel, items.map(([value, text]) => h('option', { value, text })));
    sel.value = current;
}

/** (Re)build the filter selects' options in the current language. */
export function renderFilters() {
    options($('#f-status'), [['', t('console.filter.status_active')], ...STATUSES.map((s) => [s, label('status', s)]),
        [STATUSES.join(','), t('console.filter.status_all')]], filters.status);
    options($('#f-urgency'), [['', t('console.filter.any')], ...URGENCIES.map((u) => [u, label('urgency', u)])], filters.urgency);
    options($('#f-category'), [['', t('console.filter.any')], ...CATEGORIES.map((c) => [c, label('category', c)])], filters.category);
    options($('#f-assignee'), [['', t('console.filter.anyone')], ['me', t('console.filter.me')], ['none', t('console.filter.nobody')]],
        filters.assignee);
}

function queryString(extra) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) if (v) p.set(k, v);
    for (const [k, v] of Object.entries(extra || {})) if (v) p.set(k, v);
    const s = p.toString();
    return s ? `?${s}` : '';
}

function row(item) {
    const urgent = h('span', { class: `badge u-${item.urgency}`, text: label('urgency', item.urgency) });
    const link = h('a', { href: `#/case/${encodeURIComponent(item.code)}`, class: 'code', text: item.code });
    const assignee = item.assignee
        ? (item.assignee === state.account?.username ? t('console.assignee.me', { name: item.assignee }) : item.assignee)
        : t('console.assignee.none');
    if (item.assignee) knownAssignees.add(item.assignee);
    return h('tr', { class: `u-row-${item.urgency}${item.overdue ? ' is-overdue' : ''}`, 'data-code': item.code },
        h('td', { 'data-label': t('console.col.urgency') }, urgent),
        h('td', { 'data-label': t('console.col.code') }, link),
        h('td', { 'data-label': t('console.col.category') }, label('category', item.category)),
        h('td', { class: 'excerpt', 'data-label': t('console.col.excerpt') },
            h('span', { class: 'clamp', title: item.excerpt || '', text: item.excerpt || '' })),
        h('td', { 'data-label': t('console.col.due') }, dueElement(item)),
        h('td', { 'data-label': t('console.col.status') }, label('status', item.status)),
        h('td', { 'data-label': t('console.col.channel') }, label('channel', item.channel)),
        h('td', { class: item.assignee ? '' : 'muted', 'data-label': t('console.col.assignee') }, assignee),
        h('td', { 'data-label': t('console.col.opened') },
            h('time', { datetime: item.opened_at, text: formatDateTime(item.opened_at) })));
}

/** Load the first page (more=false) or the next page (more=true) with the current filters. */
export async function loadQueue(more = false) {
    const mine = ++loading;
    const err = $('#queue-error');
    try {
        const data = await capi('GET', `/api/v1/cases${queryString(more ? { cursor } : null)}`);
        if (mine !== loading) return; // a newer load started meanwhile
        noteServerNow(data.now);
        const rows = (data.items || []).map(row);
        if (more) $('#queue-body').append(...rows);
        else fill($('#queue-body'), rows);
        cursor = data.next_cursor || null;
        $('#queue-more').hidden = !cursor;
        $('#queue-empty').hidden = $('#queue-body').children.length > 0;
        $('#queue-updated').textContent = t('console.queue.updated', { time: formatDateTime(data.now || new Date()) });
        err.hidden = true;
    } catch (e) {
        if (mine !== loading || e.status === 401) return;
        err.textContent = consoleError(e);
        err.hidden = false;
    }
}

let qTimer = 0;

export function initQueue() {
    renderFilters();
    for (const id of ['f-status', 'f-urgency', 'f-category', 'f-assignee']) {
        $(`#${id}`).addEventListener('change', (ev) => {
            filters[id.slice(2)] = ev.target.value;
            loadQueue();
        });
    }
    $('#f-q').addEventListener('input', (ev) => {
        clearTimeout(qTimer);
        qTimer = setTimeout(() => {
            filters.q = ev.target.value.trim();
            loadQueue();
        }, 300);
    });
    $('#filters').addEventListener('submit', (ev) => {
        ev.preventDefault();
        clearTimeout(qTimer);
        filters.q = $('#f-q').value.trim();
        loadQueue();
    });
    $('#queue-more').addEventListener('click', () => loadQueue(true));
}
