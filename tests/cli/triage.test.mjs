// `tongdai triage` (issue 3): stdin -> verdict JSON, --jsonl with a bad line in the middle,
// --blocklist with the hostsVN lists from ../shared, train, eval --json keys, usage errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.TONGDAI_BIN || path.join(repoRoot, 'build/tongdai');
const shared = path.resolve(repoRoot, '../shared/data');
const hostsvn = path.join(shared, 'public/hostsvn-threat');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tongdai-triage-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(args, input) {
  const r = spawnSync(BIN, ['triage', ...args], {
    input,
    encoding: 'utf8',
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function verdict(text, args = []) {
  const r = run(args, text);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('tongdai triage (stdin)', () => {
  test('prints a verdict with category, urgency, score, needs_review, signals, entities', () => {
    const text = 'Em đang đứng trên sân thượng KTX, em không chịu được nữa, tạm biệt mọi người';
    const v = verdict(text);
    for (const k of ['category', 'urgency', 'score', 'needs_review', 'signals', 'entities'])
      assert.ok(k in v, `missing ${k}`);
    assert.equal(v.category, 'self_harm');
    assert.equal(v.urgency, 'critical');
    assert.ok(v.score >= 75 && v.score <= 100);
    const s = v.signals.find((x) => x.kind === 'critical');
    assert.ok(s, 'a critical signal');
    // The span is in bytes of the original text and the phrase is as written there.
    const bytes = Buffer.from(text, 'utf8');
    assert.equal(bytes.subarray(s.start, s.end).toString('utf8'), s.phrase);
  });

  test('hyperbole stays out of critical; denial is not self-harm', () => {
    for (const t of ['Bài kiểm tra khó muốn chết 😩', 'đọc tin này cười chết mất',
                     'em không có ý định tự tử, chỉ hơi căng thẳng vì thi']) {
      const v = verdict(t);
      assert.notEqual(v.urgency, 'critical', t);
      assert.notEqual(v.category, 'self_harm', t);
    }
  });

  test('a critical phrase typed without marks raises to at least high and asks for review', () => {
    const v = verdict('may dem nay em nghi den chuyen tu tu');
    assert.equal(v.needs_review, true);
    assert.ok(['high', 'critical'].includes(v.urgency));
    assert.ok(v.signals.some((s) => s.folded_only && s.phrase === 'tu tu'));
  });

  test('invalid UTF-8 is an error, not a crash', () => {
    const r = spawnSync(BIN, ['triage'], { input: Buffer.from([0x61, 0xc3, 0x28]), cwd: repoRoot });
    assert.equal(r.status, 1);
    assert.match(r.stdout.toString(), /invalid_utf8/);
  });
});

describe('tongdai triage --jsonl', () => {
  test('one verdict per line in order; a bad line gets an error and the rest go on', () => {
    const lines = [
      JSON.stringify({ id: 'a', text: 'nó đòi 3tr trong 1 tiếng không thì gửi clip cho cả lớp' }),
      '{"text": broken',
      JSON.stringify({ id: 'c', nottext: 1 }),
      JSON.stringify({ id: 'd', text: 'cho em hỏi cách bật xác minh 2 bước Facebook' }),
    ];
    const r = run(['--jsonl'], lines.join('\n') + '\n');
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(out.length, 4);
    assert.equal(out[0].id, 'a');
    assert.equal(out[0].category, 'sextortion');
    assert.equal(out[0].urgency, 'critical');
    assert.ok(out[1].error);
    assert.ok(out[2].error);
    assert.equal(out[2].id, 'c');
    assert.equal(out[3].id, 'd');
    assert.equal(out[3].category, 'question');
    assert.equal(out[3].urgency, 'low');
  });
});

describe('tongdai triage --blocklist (hostsVN)', () => {
  const vnList = path.join(hostsvn, 'threat-domain-VN.txt');
  const gambling = path.join(hostsvn, 'gambling-domain-VN.txt');
  const hosts = fs.readFileSync(vnList, 'utf8').split('\n').filter((l) => /^[a-z0-9.-]+$/.test(l));
  const plain = hosts.find((h) => h.split('.').length === 2);
  const onBlogspot = hosts.find((h) => h.endsWith('.blogspot.com'));
  const gamble = fs.readFileSync(gambling, 'utf8').split('\n').find((l) => /^[a-z0-9.-]+$/.test(l));
  const flagged = (v) => v.signals.filter((s) => s.kind === 'blocklist').map((s) => s.phrase);
  const urlEntities = verdict('xem https://example.com/a').entities.length > 0;

  test('a listed host, its subdomain, and a host from a second list are flagged', { skip: !urlEntities && 'URL extraction not in src/text yet' }, () => {
    const text = `em bấm link https://${plain}/login và https://login.${plain}/x, bạn gửi ${gamble}`;
    const v = verdict(text, ['--blocklist', vnList, '--blocklist', gambling]);
    const f = flagged(v);
    assert.equal(f.length, 3, JSON.stringify(v.signals));
  });

  test('a shared parent is never flagged because a subdomain is listed', { skip: !urlEntities && 'URL extraction not in src/text yet' }, () => {
    const parent = onBlogspot.split('.').slice(1).join('.');
    assert.equal(parent, 'blogspot.com');
    const v = verdict(`link https://${onBlogspot}/p va https://khac-han.blogspot.com/p va https://blogspot.com`, ['--blocklist', vnList]);
    assert.deepEqual(flagged(v).map((p) => p.includes(onBlogspot)), [true]);
  });

  test('hosts-file format and one-domain-per-line both load; a missing file is an error', () => {
    const f = path.join(tmp, 'hosts.txt');
    fs.writeFileSync(f, '# comment\n0.0.0.0 bad-one.example\nbad-two.example\n');
    const r = run(['--blocklist', f], 'xin chào');
    assert.equal(r.status, 0, r.stderr);
    const m = run(['--blocklist', path.join(tmp, 'nope.txt')], 'x');
    assert.equal(m.status, 1);
  });
});

describe('tongdai triage train and eval', () => {
  const data = path.join(tmp, 'small.jsonl');
  const rows = [
    { text: 'em bị lừa mất 2 triệu khi mua hàng online', category: 'scam', urgency: 'high' },
    { text: 'em muốn chết, em gom đủ thuốc ngủ rồi', category: 'self_harm', urgency: 'critical' },
    { text: 'cho em hỏi cách cài đặt quyền riêng tư', category: 'question', urgency: 'low' },
    { text: 'fb em bị hack rồi, không vào được', category: 'account_takeover', urgency: 'medium' },
  ];
  fs.writeFileSync(data, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

  test('train writes a model that the classifier loads', () => {
    const model = path.join(tmp, 'model');
    const r = run(['train', data, '-o', model, '--min-df', '1']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(fs.readFileSync(model, 'utf8'), /^# tongdai triage model/);
    const v = verdict('em bị lừa mất 5 triệu', ['--model', model]);
    assert.equal(v.category, 'scam');
  });

  test('eval --json has the documented keys', () => {
    const r = run(['eval', data, '--json']);
    assert.equal(r.status, 0, r.stderr);
    const e = JSON.parse(r.stdout);
    for (const k of ['n', 'macro_f1', 'urgency_accuracy', 'critical_recall', 'critical_missed',
                     'per_category', 'confusion'])
      assert.ok(k in e, `missing ${k}`);
    assert.equal(e.n, 4);
    for (const k of ['precision', 'recall', 'f1', 'support'])
      assert.ok(k in e.per_category.scam, k);
    assert.equal(e.per_category.scam.support, 1);
    assert.equal(Object.keys(e.confusion).length, 14);
    assert.equal(e.confusion.self_harm.self_harm, 1);
  });

  test('eval prints a table without --json; bad input files are refused', () => {
    const r = run(['eval', data]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /macro-F1/);
    const bad = path.join(tmp, 'bad.jsonl');
    fs.writeFileSync(bad, '{"text":"x","category":"nope","urgency":"low"}\n');
    const b = run(['eval', bad]);
    assert.equal(b.status, 1);
    assert.match(b.stderr, /bad\.jsonl:1/);
  });

  test('eval over several files, with --train (in-memory model) or stratified --cv', () => {
    const two = JSON.parse(run(['eval', data, data, '--json']).stdout);
    assert.equal(two.n, 8);
    const trained = run(['eval', data, '--train', data, '--json']);
    assert.equal(trained.status, 0, trained.stderr);
    assert.equal(JSON.parse(trained.stdout).n, 4);
    const cv = run(['eval', data, data, '--cv', '2', '--stratify', '--json']);
    assert.equal(cv.status, 0, cv.stderr);
    assert.equal(JSON.parse(cv.stdout).n, 8);
    assert.equal(run(['eval', data, '--train', data, '--cv', '2']).status, 2);
    assert.equal(run(['eval', data, '--stratify']).status, 2);
    assert.equal(run(['eval', data, '--train', path.join(tmp, 'missing.jsonl')]).status, 1);
  });

  test('usage errors exit 2; a broken lexicon names its line', () => {
    assert.equal(run(['--nope']).status, 2);
    assert.equal(run(['eval']).status, 2);
    assert.equal(run(['eval', data, '--cv', '1']).status, 2);
    assert.equal(run(['train', data]).status, 2);
    const lex = path.join(tmp, 'lexicon');
    fs.writeFileSync(lex, 'tự tử | self_harm | 4 | critical\nabc | self_harm | lots | -\n');
    const r = run(['--lexicon', lex], 'x');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /lexicon:2/);
  });
});
