// Message catalogs for the browser. Every visible string comes from data/i18n/{vi,en}.json,
// served by the server at GET /api/v1/i18n/{lang}. Elements carry their key in attributes:
//   data-i18n="key"              -> textContent
//   data-i18n-placeholder="key"  -> placeholder
//   data-i18n-label="key"        -> aria-label
//   data-i18n-title="key"        -> title
// Parameters are written {name} in the catalog and filled by t(key, {name: value}).

export const LANGS = ['vi', 'en'];
const STORE_KEY = 'tongdai.lang';

let lang = 'vi';
let catalog = {};

export function currentLang() {
    return lang;
}

/** The language to start with: the saved choice, else Vietnamese (the service's language). */
export function initialLang() {
    let saved = null;
    try {
        saved = localStorage.getItem(STORE_KEY);
    } catch {
        /* storage disabled: fall through */
    }
    return LANGS.includes(saved) ? saved : 'vi';
}

/** Fetch and install the catalog of `l`; resolves to true on success. */
export async function loadLang(l) {
    if (!LANGS.includes(l)) l = 'vi';
    let res;
    try {
        res = await fetch(`/api/v1/i18n/${l}`, { headers: { Accept: 'application/json' } });
    } catch {
        return false;
    }
    if (!res.ok) return false;
    let data;
    try {
        data = await res.json();
    } catch {
        return false;
    }
    // Accept either the bare catalog or {"lang":…, "messages":{…}}.
    catalog = data && typeof data.messages === 'object' ? data.messages : data;
    lang = l;
    try {
        localStorage.setItem(STORE_KEY, l);
    } catch {
        /* ignore */
    }
    document.documentElement.lang = l;
    // The server picks the language of its own messages from this cookie first.
    document.cookie = `lang=${l}; path=/; max-age=31536000; SameSite=Strict`;
    return true;
}

/** The message for key, with {name} parameters filled; the key itself if it is missing. */
export function t(key, params) {
    let s = Object.prototype.hasOwnProperty.call(catalog, key) ? catalog[key] : key;
    if (params) {
        s = s.replace(/\{(\w+)\}/g, (m, name) =>
            Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m);
    }
    return s;
}

/** True when the catalog has key (used for optional keys such as event kinds). */
export function has(key) {
    return Object.prototype.hasOwnProperty.call(catalog, key);
}

/** Fill every element under root that carries a data-i18n* attribute. */
export function applyI18n(root = document) {
    for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
    for (const el of root.querySelectorAll('[data-i18n-placeholder]'))
        el.placeholder = t(el.dataset.i18nPlaceholder);
    for (const el of root.querySelectorAll('[data-i18n-label]'))
        el.setAttribute('aria-label', t(el.dataset.i18nLabel));
    for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}
