// Dates and times shown in Asia/Ho_Chi_Minh whatever the browser's zone, in Vietnamese order
// (day/month/year, 24-hour clock).
import { currentLang, t } from './i18n.js';

export const ZONE = 'Asia/Ho_Chi_Minh';
const cache = new Map();

function fmt(kind) {
    const key = `${currentLang()}:${kind}`;
    let f = cache.get(key);
    if (!f) {
        const locale = currentLang() === 'en' ? 'en-GB' : 'vi-VN';
        const opts = { timeZone: ZONE, hourCycle: 'h23' };
        if (kind === 'datetime') Object.assign(opts, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
        else if (kind === 'time') Object.assign(opts, { hour: '2-digit', minute: '2-digit' });
        else Object.assign(opts, { day: '2-digit', month: '2-digit', year: 'numeric' });
        f = new Intl.DateTimeFormat(locale, opts);
        cache.set(key, f);
    }
    return f;
}

function toDate(v) {
    const d = v instanceof Date ? v : new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
}

/** "14:05 03/12/2026"-style: date then time, Vietnamese order. */
export function formatDateTime(v) {
    const d = toDate(v);
    if (!d) return '';
    return `${fmt('time').format(d)} ${fmt('date').format(d)}`;
}

export function formatTime(v) {
    const d = toDate(v);
    return d ? fmt('time').format(d) : '';
}

/** A duration in ms as a short human string: "4:59", "1 h 20 min", "3 days". */
export function formatDuration(ms) {
    const s = Math.floor(Math.abs(ms) / 1000);
    if (s < 3600) {
        const m = Math.floor(s / 60);
        return `${m}:${String(s % 60).padStart(2, '0')}`;
    }
    const hours = Math.floor(s / 3600);
    if (hours < 48) return t('time.hours_minutes', { h: hours, m: Math.floor((s % 3600) / 60) });
    return t('time.days', { d: Math.floor(hours / 24) });
}

/** "in 3 minutes" style for a number of seconds (Retry-After). */
export function formatWait(seconds) {
    const s = Math.max(1, Math.ceil(seconds));
    if (s < 90) return t('time.seconds', { s });
    return t('time.minutes', { m: Math.ceil(s / 60) });
}
