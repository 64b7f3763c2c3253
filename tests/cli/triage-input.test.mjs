// Bad and extreme input for `tongdai triage` (tester findings): empty or zero-width-only text was
// triaged as scam/medium, and a dense ~40k-character text gave out_of_memory.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';

const BIN = process.env.TONGDAI_BIN;
const triage = (args, input) =>
  spawnSync(BIN, ['triage', ...args], { input, encoding: 'utf8', timeout: 60000, maxBuffer: 64 << 20 });

test('empty and invisible text is an error, not a verdict', () => {
  for (const input of ['', '   \n', '\u200b\u200b\u200b']) {
    const r = triage([], input);
    assert.equal(r.status, 1, JSON.stringify(input));
    assert.deepEqual(JSON.parse(r.stdout), { error: 'empty text' });
    assert.match(r.stderr, /empty text/);
  }
  const r = triage(['--jsonl'], '{"text":""}\n{"text":"em bi lua mat 2tr"}\n');
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.deepEqual(lines[0], { error: 'empty text' });
  assert.equal(lines[1].category, 'scam');
});

test('a dense text of 80 kB (phones, links, accounts back to back) is classified', () => {
  const parts = [];
  for (let i = 0; i < 1500; i++)
    parts.push(`0912 345 ${String(i % 1000).padStart(3, '0')} https://vi-du${i}.com/x stk 1903445566${String(i % 100).padStart(2, '0')}`);
  const r = triage([], parts.join(' '));
  assert.equal(r.status, 0, r.stderr);
  const v = JSON.parse(r.stdout);
  assert.ok(v.entities.length > 1000, `entities: ${v.entities.length}`);
});

test('a word or two with no signal is "other", medium, for review; short signals still count', () => {
  // Tester finding: "ok" came out scam/medium with the reason weak_self_harm although nothing
  // fired, "x" privacy_leak, "y" wellbeing, "z" question/low: the model's guess on no text.
  for (const input of ['ok', 'hello', '.', '123', 'x', 'y', 'z', 'xin chao', 'alo alo', '😭']) {
    const r = triage([], input);
    assert.equal(r.status, 0, r.stderr);
    const v = JSON.parse(r.stdout);
    assert.equal(v.category, 'other', input);
    assert.equal(v.urgency, 'medium', input);
    assert.equal(v.needs_review, true, input);
    assert.ok(v.reasons.includes('too_little_text'), `${input}: ${v.reasons}`);
    assert.ok(!v.reasons.includes('weak_self_harm'), `${input}: ${v.reasons}`);
  }
  // Two words that say something are still read.
  const want = { 'em muon chet': ['self_harm', 'critical'], 'bi lua': ['scam', 'high'], 'cuu em voi': [null, 'high'] };
  for (const [input, [cat, urg]] of Object.entries(want)) {
    const v = JSON.parse(triage([], input).stdout);
    if (cat) assert.equal(v.category, cat, input);
    assert.equal(v.urgency, urg, input);
  }
});
