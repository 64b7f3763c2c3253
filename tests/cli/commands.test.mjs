// The data commands against a real data directory: what they refuse and what they accept
// (tester findings from a new user's trial of the README).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { tongdai } from './helpers.mjs';

const PASSWORD = 'ba con meo trong sân';
const run = (dataDir, args, input = '') => tongdai(dataDir, args, { input });

describe('data commands', () => {
  let root;
  let data;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tongdai-cmd-'));
    data = path.join(root, 'data');
    const r = run(data, ['institution', 'add', 'good', 'Trường Tốt']);
    assert.equal(r.status, 0, r.stderr);
    // Regression: the code is stored upper-cased, and the message said "good".
    assert.equal(r.stdout.trim(), 'institution GOOD added');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  // Regression: `audit verify --data /tmp/typo-dir` created a database there and answered
  // "audit chain ok: 0 rows" with exit 0; `--data /etc` wrote /etc/tongdai.db.
  for (const args of [['audit', 'verify'], ['user', 'disable', 'someone'], ['import', '/dev/null', '--institution', 'GOOD']]) {
    test(`${args.slice(0, 2).join(' ')} on a directory without a database fails and creates nothing`, () => {
      const missing = path.join(root, `typo-${args[0]}`);
      const r = run(missing, args);
      assert.equal(r.status, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /no database in .*typo/);
      assert.equal(fs.existsSync(missing), false);
      const empty = fs.mkdtempSync(path.join(root, 'empty-'));
      const r2 = run(empty, args);
      assert.equal(r2.status, 1);
      assert.deepEqual(fs.readdirSync(empty), []);
    });
  }

  test('audit verify on the real directory still passes', () => {
    const r = run(data, ['audit', 'verify']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /audit chain ok: \d+ rows/);
  });

  // Regression: a blank name and one with a control character were accepted by the command
  // line (the API already refused them); the control character then reached /institutions.
  for (const [what, name] of [
    ['blank', '   '],
    ['empty', ''],
    ['a control character', 'ctl\u0001char'],
    ['a newline', 'hai\ndòng'],
    ['a C1 control character', 'c1\u0085char'],
  ]) {
    test(`institution add with ${what} name is refused`, () => {
      const r = run(data, ['institution', 'add', `X${what.length}`, name]);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /invalid name/);
    });
    test(`user add --name with ${what} is refused`, () => {
      const r = run(data, ['user', 'add', `u${what.length}`, '--role', 'city', '--name', name, '--password-file', '-'], `${PASSWORD}\n`);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /display_name/);
    });
  }

  test('institution add with a bad code on a new directory leaves nothing behind', () => {
    // Regression (tester finding): exit 2, but a new migrated database was left there.
    const fresh = path.join(root, 'fresh');
    const r = run(fresh, ['institution', 'add', 'bad code', 'Tên']);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /invalid code/);
    assert.equal(fs.existsSync(fresh), false);
  });

  test('names are trimmed and kept in NFC', () => {
    const r = run(data, ['institution', 'add', 'TRIM', '  Cao đẳng Nghề  ']);
    assert.equal(r.status, 0, r.stderr);
    const dup = run(data, ['institution', 'add', 'trim', 'Khác']);
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /TRIM already exists/);
  });

  test('lower-case institution codes are found by user add and import', () => {
    let r = run(data, ['user', 'add', 'tuvan1', '--role', 'counsellor', '--institution', 'good', '--password-file', '-'], `${PASSWORD}\n`);
    assert.equal(r.status, 0, r.stderr);
    const file = path.join(root, 'one.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ text: 'Em bị lừa mất 2 triệu', channel: 'web' })}\n{"text":123}\n{"channel":"web"}\n`);
    r = run(data, ['import', file, '--institution', 'good']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout + r.stderr, /imported 1, skipped 2/);
    // Regression: a number for text was reported as "(required)".
    assert.match(r.stderr, /one\.jsonl:2: invalid text \(must be a string\)/);
    assert.match(r.stderr, /one\.jsonl:3: missing text \(required\)/);
  });

  test('import names a NUL in a string plainly, not by a library flag', () => {
    const file = path.join(root, 'nul.jsonl');
    fs.writeFileSync(file, '{"text":"a\\u0000b"}\n');
    const r = run(data, ['import', file, '--institution', 'GOOD']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\\u0000 is not allowed in a string/);
    assert.doesNotMatch(r.stderr, /JSON_ALLOW_NUL/);
  });

  // Regression: session.ttl_minutes = 0 passed --check-config, and every session then expired
  // before its next request.
  // And the settings serve refused at 0 said "expected an integer 0..N" (tester finding).
  for (const key of ['session.ttl_minutes', 'sla.critical_minutes', 'sla.low_minutes', 'server.json_depth', 'server.connection_timeout', 'server.connection_limit']) {
    test(`${key} = 0 is refused`, () => {
      const env = `TONGDAI_${key.toUpperCase().replace('.', '_')}`;
      const r = tongdai(data, ['serve', '--check-config'], { env: { [env]: '0' } });
      assert.notEqual(r.status, 0, r.stdout + r.stderr);
      assert.match(r.stderr, new RegExp(`${key.replace('.', '\\.')}: expected an integer 1\\.\\.`));
    });
  }
  test('server.body_max = 0 is refused as a byte count from 1', () => {
    const r = tongdai(data, ['serve', '--check-config'], { env: { TONGDAI_SERVER_BODY_MAX: '0' } });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /server\.body_max: expected a byte count 1\.\./);
  });
});
