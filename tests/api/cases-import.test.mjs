// `tongdai import` (issue 4): the shared dev corpus into a fresh instance, then the queue shows the
// critical cases first; bad lines are reported with their line numbers and skipped.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { caseWorld } from './cases-helpers.mjs';
import { repoRoot } from './helpers.mjs';

const DEV = path.resolve(repoRoot, '../shared/data/corpus/dev.jsonl');
const RANK = { critical: 0, high: 1, medium: 2, low: 3 };

describe('import', () => {
  let w;
  let lines;
  before(async () => {
    w = await caseWorld();
    lines = fs.readFileSync(DEV, 'utf8').split('\n').filter((l) => l.trim());
  });
  after(async () => {
    await w.stop();
  });

  test('the dev corpus imports whole and the queue puts critical cases first', async () => {
    const r = await w.cli(['import', DEV, '--institution', 'A']);
    assert.match(r.stdout, new RegExp(`^imported ${lines.length}, skipped 0 `, 'm'));
    const city = await w.login('la');
    const items = [];
    let cursor = null;
    do {
      const q = await city.json(`/api/v1/cases?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(q.status, 200);
      items.push(...q.body.items);
      cursor = q.body.next_cursor;
    } while (cursor);
    assert.equal(items.length, lines.length);
    const crit = items.filter((i) => i.urgency === 'critical');
    assert.ok(crit.length >= 10, `critical cases: ${crit.length}`);
    // Every critical case comes before every other one, and the ranks never go back up.
    assert.deepEqual(items.slice(0, crit.length).map((i) => i.urgency), crit.map(() => 'critical'));
    for (let i = 1; i < items.length; i++) {
      assert.ok(RANK[items[i - 1].urgency] <= RANK[items[i].urgency], `order at ${i}`);
      if (items[i - 1].urgency === items[i].urgency)
        assert.ok(Date.parse(items[i - 1].due_at) <= Date.parse(items[i].due_at), `due order at ${i}`);
    }
    // The corpus labels agree with the queue's top: most critical-labelled texts are up there.
    const labelled = new Set(lines.map((l) => JSON.parse(l)).filter((o) => o.urgency === 'critical').map((o) => o.text));
    const top = items.slice(0, crit.length);
    const texts = [];
    for (const i of top) texts.push((await city.json(`/api/v1/cases/${i.code}`)).body.text);
    const hits = texts.filter((t) => labelled.has(t)).length;
    assert.ok(hits / labelled.size >= 0.8, `critical recall in the queue top: ${hits}/${labelled.size}`);
    // Channels from the file are kept.
    assert.ok(items.some((i) => i.channel === 'chat') && items.some((i) => i.channel === 'email'));
  });

  test('bad lines are reported by number and skipped; the rest are imported', async () => {
    const f = path.join(w.dataDir, 'mixed.jsonl');
    fs.writeFileSync(
      f,
      [
        JSON.stringify({ text: 'Dòng một hợp lệ', channel: 'web' }),
        '{"text": "không đóng ngoặc"',
        JSON.stringify({ channel: 'web' }),
        '',
        JSON.stringify({ text: 'Dòng năm có liên hệ', contact: { phone: '0912 345 678' }, consent_contact: true }),
        JSON.stringify({ text: 'Dòng sáu sai kênh', channel: 'fax' }),
        JSON.stringify({ text: 'Dòng bảy sai giờ', received_at: 'hôm qua' }),
        JSON.stringify({ text: 'Dòng tám có giờ', received_at: '2026-11-30T08:00:00+07:00' }),
        JSON.stringify({ text: 'Dòng chín sai số', contact: { phone: '12' } }),
      ].join('\n') + '\n',
    );
    const r = await w.cli(['import', f, '--institution', 'B'], { code: 1 });
    assert.match(r.stdout, /^imported 3, skipped 5 /m);
    for (const n of [2, 3, 6, 7, 9]) assert.match(r.stderr, new RegExp(`mixed\\.jsonl:${n}: `), `line ${n}`);
    assert.match(r.stderr, /:6: invalid channel/);
    assert.match(r.stderr, /:9: invalid contact\.phone/);
    assert.doesNotMatch(r.stderr, /:(1|4|5|8): /);
    const lb = await w.login('lb');
    const q = await lb.json('/api/v1/cases');
    assert.equal(q.body.items.length, 3);
    const dated = q.body.items.find((i) => i.excerpt.startsWith('Dòng tám'));
    assert.equal(dated.opened_at, '2026-11-30T01:00:00.000Z');
  });

  test('unknown institution and missing file are errors', async () => {
    let r = await w.cli(['import', DEV, '--institution', 'NOPE'], { code: 2 });
    assert.match(r.stderr, /unknown institution NOPE/);
    r = await w.cli(['import', path.join(w.dataDir, 'missing.jsonl'), '--institution', 'A'], { code: 1 });
    assert.match(r.stderr, /cannot open/);
    r = await w.cli(['import', DEV], { code: 2 });
  });
});
