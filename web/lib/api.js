// JSON over fetch, with the API's error shape turned into an ApiError.
import { currentLang } from './i18n.js';

export class ApiError extends Error {
    /**
     * status: HTTP status (0 when the server could not be reached); code: the API error code
     * ("not_found", "rate_limited", … or "network"); field: the field named by a 422;
     * retryAfter: seconds from the Retry-After header of a 429, or null; detail: the error object.
     */
    constructor(status, code, message, field, retryAfter, detail) {
        super(message || code);
        this.status = status;
        this.code = code;
        this.field = field || null;
        this.retryAfter = retryAfter;
        this.detail = detail || {};
    }
}

function parseRetryAfter(v) {
    if (!v) return null;
    if (/^\d+$/.test(v.trim())) return Number(v.trim());
    const at = Date.parse(v);
    return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * Call the API. opts: body (sent as JSON), headers (extra), csrf (X-CSRF-Token value).
 * Resolves to the parsed JSON (null for 204); rejects with ApiError.
 */
export async function api(method, path, opts = {}) {
    const headers = {
        Accept: 'application/json',
        'Accept-Language': currentLang() === 'en' ? 'en' : 'vi',
        ...(opts.headers || {}),
    };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.csrf) headers['X-CSRF-Token'] = opts.csrf;
    let res;
    try {
        res = await fetch(path, {
            method,
            headers,
            body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
            credentials: 'same-origin',
            cache: 'no-store',
        });
    } catch (e) {
        throw new ApiError(0, 'network', String(e && e.message), null, null);
    }
    if (res.status === 204) return null;
    let data = null;
    try {
        data = await res.json();
    } catch {
        data = null;
    }
    if (!res.ok) {
        const e = (data && data.error) || {};
        throw new ApiError(res.status, e.code || `http_${res.status}`, e.message, e.field,
            parseRetryAfter(res.headers.get('Retry-After')), e);
    }
    return data;
}
