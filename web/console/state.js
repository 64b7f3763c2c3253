// Console state shared by the views: who is logged in, the CSRF token, the server clock, and
// the API wrapper that adds the token to state changes and turns a 401 into "session expired".
import { api, ApiError } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatWait } from '../lib/time.js';

export const state = {
    account: null, // {username, role, institution, display_name}
    csrf: null,
    skew: 0, // server time minus browser time, ms (from the queue's "now")
    onExpired: () => {},
};

/** Record the server's clock from a response's "now" field. */
export function noteServerNow(now) {
    const ms = Date.parse(now);
    if (!Number.isNaN(ms)) state.skew = ms - Date.now();
}

export function serverNow() {
    return Date.now() + state.skew;
}

/**
 * Call the API as the logged-in counsellor. Every method but GET carries X-CSRF-Token.
 * A 401 means the session is gone: the console returns to the login screen, and the promise
 * rejects with the ApiError (callers usually just stop).
 */
export async function capi(method, path, body) {
    try {
        return await api(method, path, {
            body,
            csrf: method === 'GET' ? undefined : state.csrf,
        });
    } catch (err) {
        if (err instanceof ApiError && err.status === 401 && state.account) {
            state.account = null;
            state.csrf = null;
            state.onExpired();
        }
        throw err;
    }
}

/** A message a person understands for an API failure in the console. */
export function consoleError(err) {
    if (!err) return '';
    if (err.code === 'network') return t('console.error.network');
    if (err.code === 'csrf') return t('console.error.csrf');
    if (err.code === 'rate_limited')
        return err.retryAfter != null ? t('console.error.rate_limited_wait', { wait: formatWait(err.retryAfter) }) : t('error.rate_limited');
    if (err.status === 401) return t('console.login.expired');
    if (err.status === 403) return t('console.error.forbidden');
    if (err.status === 404) return t('console.error.not_found');
    return err.message || t('error.internal');
}

export const CATEGORIES = ['self_harm', 'online_kidnapping', 'sextortion', 'trafficking', 'scam', 'impersonation',
    'loan_harassment', 'account_takeover', 'cyberbullying', 'privacy_leak', 'harmful_content', 'wellbeing', 'question', 'other'];
export const URGENCIES = ['critical', 'high', 'medium', 'low'];
export const STATUSES = ['new', 'open', 'waiting', 'referred', 'resolved', 'closed'];
export const CHANNELS = ['web', 'chat', 'phone', 'email', 'api'];

/** Label for an enumerated value; falls back to the raw value for one the catalog lacks. */
export function label(kind, value) {
    if (value === null || value === undefined || value === '') return '';
    const key = `${kind}.${value}`;
    const s = t(key);
    return s === key ? String(value) : s;
}

export function canWork() {
    return !!state.account && (state.account.role === 'counsellor' || state.account.role === 'lead');
}
