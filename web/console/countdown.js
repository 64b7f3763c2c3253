// Live countdowns to the first-response due time. An element made by dueElement() carries the
// due time in data-due; tick() (called every second) rewrites all of them, so a countdown that
// passes zero turns into "overdue" (red) without a reload.
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { formatDuration, formatDateTime } from '../lib/time.js';
import { serverNow } from './state.js';

const DONE = new Set(['resolved', 'closed']);

/** item: {due_at, first_response_at, status, overdue} (a queue row or a case). */
export function dueElement(item) {
    const el = h('span', { class: 'due' });
    if (DONE.has(item.status)) {
        el.textContent = '—';
        el.classList.add('due-done');
    } else if (item.first_response_at) {
        el.textContent = t('console.due.answered');
        el.classList.add('due-done');
        el.title = formatDateTime(item.first_response_at);
    } else if (item.due_at) {
        el.dataset.due = String(Date.parse(item.due_at));
        el.title = t('console.due.at', { time: formatDateTime(item.due_at) });
        update(el);
    }
    return el;
}

function update(el) {
    const due = Number(el.dataset.due);
    if (!Number.isFinite(due)) return;
    const left = due - serverNow();
    if (left >= 0) {
        el.textContent = t('console.due.left', { d: formatDuration(left) });
        el.classList.remove('due-overdue');
        el.classList.toggle('due-soon', left < 5 * 60 * 1000);
    } else {
        el.textContent = t('console.due.overdue', { d: formatDuration(-left) });
        el.classList.remove('due-soon');
        el.classList.add('due-overdue');
    }
}

export function tick() {
    for (const el of document.querySelectorAll('.due[data-due]')) update(el);
}
