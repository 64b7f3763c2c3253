// Log a phone call as a case, in one form: what the caller said (their words as far as
// possible), optional contact details, consent. The server triages it like a web report.
import { $, $$ } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { capi, consoleError } from './state.js';
import { setCallSecret } from './case.js';

const FIELDS = { text: '#call-text', 'contact.name': '#call-name', 'contact.phone': '#call-phone', 'contact.email': '#call-email' };

function clear() {
    for (const el of $$('#call-form .field-error, #call-form .notice-error')) {
        el.textContent = '';
        el.hidden = true;
    }
    for (const el of $$('#call-form [aria-invalid]')) el.removeAttribute('aria-invalid');
}

function fieldError(field, msg) {
    const el = document.getElementById(`call-err-${field}`);
    if (!el) return false;
    el.textContent = msg;
    el.hidden = false;
    const input = $(FIELDS[field]);
    input.setAttribute('aria-invalid', 'true');
    input.focus();
    return true;
}

async function submit(ev) {
    ev.preventDefault();
    clear();
    const text = $('#call-text').value.trim();
    if (!text) return fieldError('text', t('console.call.text_needed'));
    const body = { text, channel: 'phone' };
    const contact = {};
    for (const [k, sel] of [['name', '#call-name'], ['phone', '#call-phone'], ['email', '#call-email']]) {
        const v = $(sel).value.trim();
        if (v) contact[k] = v;
    }
    if (Object.keys(contact).length) {
        body.contact = contact;
        body.consent_contact = $('#call-consent').checked;
    }
    const btn = $('#call-submit');
    btn.disabled = true;
    try {
        const c = await capi('POST', '/api/v1/cases', body);
        $('#call-form').reset();
        const code = c.code || c.case_code;
        setCallSecret(code, c.access_key); // shown once on the case view, to read to the caller
        location.hash = `#/case/${encodeURIComponent(code)}`;
    } catch (err) {
        if (err.status === 401) return;
        if (err.status === 422 && err.field) {
            const own = `portal.error.${err.field.replace('contact.', '')}`;
            if (fieldError(err.field, t(own) !== own ? t(own) : err.message)) return;
        }
        const box = $('#call-error');
        box.textContent = consoleError(err);
        box.hidden = false;
    } finally {
        btn.disabled = false;
    }
}

export function initCall() {
    $('#call-form').addEventListener('submit', submit);
}
