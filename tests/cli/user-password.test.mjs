// Password policy for `tongdai user add` (tester findings: "password", "12345678", eight spaces,
// the username itself and a password with a NUL in it were all accepted; the NUL one created an
// account nobody could ever log in to).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { tongdai } from './helpers.mjs';

const run = (dataDir, args, input) => tongdai(dataDir, args, { input });

test('weak or unusable passwords are refused; a good one is accepted', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongdai-pw-'));
  try {
    assert.equal(run(dataDir, ['institution', 'add', 'TEST', 'Trường thử'], '').status, 0);
    const add = (pw) =>
      run(dataDir, ['user', 'add', 'thuydung', '--role', 'counsellor', '--institution', 'TEST', '--password-file', '-'], pw);
    for (const pw of ['password\n', '12345678\n', 'thuydung\n', '        \n', 'aaaaaaaaaa\n', 'MatKhau123\n', 'abcd\0efgh\n']) {
      const r = add(pw);
      assert.equal(r.status, 2, `accepted ${JSON.stringify(pw)}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /password/);
    }
    const ok = add('ba con meo trong sân\n');
    assert.equal(ok.status, 0, ok.stderr);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
