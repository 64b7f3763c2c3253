// Triage quality bars (issue 3), measured by `tongdai triage eval` on ../shared data:
//   dev.jsonl, 5-fold cross-validation: critical recall >= 0.95, macro-F1 >= 0.80, urgency exact
//   >= 0.75, no true critical predicted low; with every diacritic stripped: critical recall
//   >= 0.90; ViHOS dev clean comments (index_spans == []) with the shipped model: fewer than 1%
//   predicted critical or high. Third-party data is read from ../shared, never copied.
// Independent set (tests/data/triage/independent.jsonl, written by another annotator): a model
//   trained in memory on dev.jsonl + data/triage/extra.jsonl only (not the shipped model, which
//   has seen it) must keep critical recall >= 0.95 with no true critical predicted low, with and
//   without diacritics, macro-F1 >= 0.85 and urgency >= 0.80. The lexicon was revised after
//   reading this set's errors, so these bars guard against regressions; they do not measure
//   generalisation to new text (the held-back set does).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.TONGDAI_BIN || path.join(repoRoot, 'build/tongdai');
const dev = path.resolve(repoRoot, '../shared/data/corpus/dev.jsonl');
const independent = path.join(repoRoot, 'tests/data/triage/independent.jsonl');
const extra = path.join(repoRoot, 'data/triage/extra.jsonl');
const vihos = path.resolve(repoRoot, '../shared/data/public/vihos/dev.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tongdai-quality-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function tongdai(args, input) {
  const r = spawnSync(BIN, args, { input, encoding: 'utf8', cwd: repoRoot, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** RFC 4180 CSV (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = ''; i++; continue;
    }
    field += c; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe('triage quality on the dev corpus (5-fold cross-validation)', () => {
  test('critical recall, macro-F1, urgency accuracy, no critical as low', () => {
    const e = JSON.parse(tongdai(['triage', 'eval', dev, '--cv', '5', '--json']));
    console.log(`dev cv5: n=${e.n} macro_f1=${e.macro_f1.toFixed(3)} urgency=${e.urgency_accuracy.toFixed(3)} critical_recall=${e.critical_recall.toFixed(3)} critical_missed=${e.critical_missed}`);
    assert.equal(e.n, 240);
    assert.ok(e.critical_recall >= 0.95, `critical recall ${e.critical_recall}`);
    assert.ok(e.macro_f1 >= 0.8, `macro-F1 ${e.macro_f1}`);
    assert.ok(e.urgency_accuracy >= 0.75, `urgency accuracy ${e.urgency_accuracy}`);
    assert.equal(e.critical_as_low, 0, 'no true critical predicted low');
  });

  test('with diacritics stripped, critical recall >= 0.90', () => {
    const e = JSON.parse(tongdai(['triage', 'eval', dev, '--cv', '5', '--json', '--strip-diacritics']));
    console.log(`dev cv5 stripped: macro_f1=${e.macro_f1.toFixed(3)} urgency=${e.urgency_accuracy.toFixed(3)} critical_recall=${e.critical_recall.toFixed(3)}`);
    assert.ok(e.critical_recall >= 0.9, `critical recall ${e.critical_recall}`);
    assert.equal(e.critical_as_low, 0);
  });
});

describe('triage quality on the independent set (trained on dev + extra only)', () => {
  for (const strip of [false, true]) {
    test(`critical recall, no critical as low, macro-F1, urgency${strip ? ' (diacritics stripped)' : ''}`, () => {
      const args = ['triage', 'eval', independent, '--train', dev, '--train', extra, '--json'];
      if (strip) args.push('--strip-diacritics');
      const e = JSON.parse(tongdai(args));
      console.log(`independent${strip ? ' stripped' : ''}: n=${e.n} macro_f1=${e.macro_f1.toFixed(3)} urgency=${e.urgency_accuracy.toFixed(3)} critical_recall=${e.critical_recall.toFixed(3)} critical_missed=${e.critical_missed}`);
      assert.equal(e.n, 280);
      assert.ok(e.critical_recall >= 0.95, `critical recall ${e.critical_recall}`);
      assert.equal(e.critical_as_low, 0, 'no true critical predicted low');
      assert.ok(e.macro_f1 >= 0.85, `macro-F1 ${e.macro_f1}`);
      assert.ok(e.urgency_accuracy >= 0.8, `urgency accuracy ${e.urgency_accuracy}`);
    });
  }

  test('dev + independent together, stratified 5-fold cross-validation', () => {
    const e = JSON.parse(tongdai(['triage', 'eval', dev, independent, '--cv', '5', '--stratify',
                                  '--extra', extra, '--json']));
    console.log(`union cv5: n=${e.n} macro_f1=${e.macro_f1.toFixed(3)} urgency=${e.urgency_accuracy.toFixed(3)} critical_recall=${e.critical_recall.toFixed(3)} critical_missed=${e.critical_missed}`);
    assert.equal(e.n, 520);
    assert.ok(e.critical_recall >= 0.95, `critical recall ${e.critical_recall}`);
    assert.equal(e.critical_as_low, 0);
  });
});

describe('ViHOS dev clean comments: ordinary social text raises no alarm', () => {
  test('fewer than 1% predicted critical or high', () => {
    const rows = parseCsv(fs.readFileSync(vihos, 'utf8'));
    const header = rows.shift();
    assert.equal(header[1], 'content');
    const clean = rows.filter((r) => r.length >= 3 && r[2].trim() === '[]').map((r) => r[1]);
    assert.ok(clean.length > 500, `clean comments: ${clean.length}`);
    const input = clean.map((t) => JSON.stringify({ text: t })).join('\n') + '\n';
    const out = tongdai(['triage', '--jsonl'], input).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(out.length, clean.length);
    const alarms = out.filter((v) => v.urgency === 'critical' || v.urgency === 'high').length;
    const rate = alarms / out.length;
    console.log(`vihos dev clean: ${alarms}/${out.length} critical or high (${(rate * 100).toFixed(2)}%)`);
    assert.ok(rate < 0.01, `false-alarm rate ${rate}`);
  });
});
