// The message catalogs the browser reads: same keys in both languages, sorted, every key the
// web front end uses present, and the same {placeholders} in both languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './helpers.mjs';

const load = (l) => JSON.parse(fs.readFileSync(path.join(repoRoot, `data/i18n/${l}.json`), 'utf8'));
const vi = load('vi');
const en = load('en');

function webFiles(dir = path.join(repoRoot, 'web')) {
    const out = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...webFiles(p));
        else if (/\.(html|js)$/.test(e.name)) out.push(p);
    }
    return out;
}

test('vi and en have the same keys, sorted', () => {
    const kv = Object.keys(vi);
    const ke = Object.keys(en);
    assert.deepEqual(kv, ke);
    assert.deepEqual(kv, [...kv].sort());
    for (const k of kv) {
        assert.equal(typeof vi[k], 'string', k);
        assert.ok(vi[k].length > 0 && en[k].length > 0, `empty text for ${k}`);
    }
});

test('the same {placeholders} in both languages', () => {
    const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(vi)) assert.deepEqual(names(vi[k]), names(en[k]), k);
});

test('every key the web front end names exists', () => {
    const used = new Set();
    for (const f of webFiles()) {
        const src = fs.readFileSync(f, 'utf8');
        for (const m of src.matchAll(/data-i18n(?:-[a-z]+)?="([a-z0-9_]+\.[a-z0-9_.]+)"/g)) used.add(m[1]);
        for (const m of src.matchAll(/\bt\(\s*'([a-z0-9_]+\.[a-z0-9_.]+)'/g)) used.add(m[1]);
    }
    assert.ok(used.size > 150, `found only ${used.size} keys: the scan is broken`);
    const missing = [...used].filter((k) => !(k in vi));
    assert.deepEqual(missing, []);
});

test('every enumerated value of the API contract has a label', () => {
    const enums = {
        category: ['self_harm', 'online_kidnapping', 'sextortion', 'trafficking', 'scam', 'impersonation', 'loan_harassment',
            'account_takeover', 'cyberbullying', 'privacy_leak', 'harmful_content', 'wellbeing', 'question', 'other'],
        urgency: ['critical', 'high', 'medium', 'low'],
        status: ['new', 'open', 'waiting', 'referred', 'resolved', 'closed'],
        channel: ['web', 'chat', 'phone', 'email', 'api'],
        role: ['counsellor', 'lead', 'city', 'admin'],
    };
    for (const [kind, values] of Object.entries(enums))
        for (const v of values) {
            assert.ok(`${kind}.${v}` in vi, `${kind}.${v}`);
            if (kind === 'status') {
                assert.ok(`portal.status.${v}` in vi, `portal.status.${v}`);
                assert.ok(`console.transition.${v}` in vi, `console.transition.${v}`);
            }
        }
});
