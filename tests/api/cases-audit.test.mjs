// The audit chain (issue 4): rows for login, failed login, case changes, contact unseals and user
// changes; `tongdai audit verify` passes, and detects a row edited behind its back with the
// sqlite3 command-line tool (exit 1 naming the row).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { JSON_HDR, caseWorld } from './cases-helpers.mjs';

function sql(dataDir, statement) {
  return execFileSync('sqlite3', [path.join(dataDir, 'tongdai.db'), statement], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

describe('audit chain', () => {
  let w;
  before(async () => {
    w = await caseWorld();
  });
  after(async () => {
    await w.stop();
  });

  test('actions are recorded without personal data, and the chain verifies', async () => {
    const rep = await w.report({
      institution: 'A',
      text: 'Em bị tống tiền bằng ảnh, họ đòi 5 triệu trước tối nay',
      contact: { name: 'Trần Thị Bí Mật', phone: '0388555012' },
    });
    const bad = await w.srv.fetch('/api/v1/session', {
      method: 'POST',
      headers: JSON_HDR,
      body: JSON.stringify({ username: 'la', password: 'wrong-password' }),
    });
    assert.equal(bad.status, 401);
    await bad.arrayBuffer();
    const la = await w.login('la');
    let r = await la.json(`/api/v1/cases/${rep.case_code}`, { method: 'PATCH', body: { assignee: 'a1' } });
    assert.equal(r.status, 200);
    r = await la.json(`/api/v1/cases/${rep.case_code}/contact`);
    assert.equal(r.status, 200);
    await w.cli(['user', 'disable', 'a2']);

    const actions = sql(w.dataDir, 'SELECT action FROM audit ORDER BY id').split('\n');
    for (const a of ['institution.add', 'user.add', 'case.create', 'login_failed', 'login', 'case.assignee', 'case.status', 'contact.unseal', 'user.disable']) {
      assert.ok(actions.includes(a), `audit has ${a}: ${actions.join(',')}`);
    }
    const unseal = sql(w.dataDir, "SELECT actor || ' ' || object FROM audit WHERE action = 'contact.unseal'");
    assert.equal(unseal, `la case:${rep.case_code}`);
    const all = sql(w.dataDir, 'SELECT actor, action, object, detail FROM audit');
    for (const secret of ['Bí Mật', '0388555012', '84388555012', 'tống tiền', 'wrong-password', 'mat-khau']) {
      assert.ok(!all.includes(secret), `audit carries no "${secret}"`);
    }
    const v = await w.cli(['audit', 'verify']);
    assert.match(v.stdout, /^audit chain ok: \d+ rows$/m);
  });

  test('a row edited behind its back breaks the chain at that row', async () => {
    await w.srv.stop({ keepData: true });
    const n = Number(sql(w.dataDir, 'SELECT count(*) FROM audit'));
    const target = Math.floor(n / 2);
    // The triggers refuse the edit; a forger drops them first.
    assert.throws(() => sql(w.dataDir, `UPDATE audit SET actor = 'x' WHERE id = ${target}`), /append-only/);
    sql(w.dataDir, 'DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
    sql(w.dataDir, `UPDATE audit SET detail = '{"reason":"nothing happened"}' WHERE id = ${target}`);
    let v = await w.cli(['audit', 'verify'], { code: 1 });
    assert.match(v.stdout, new RegExp(`broken at row ${target}\\b`));
    // Recomputing nothing but deleting the row instead is caught as well.
    sql(w.dataDir, `UPDATE audit SET detail = (SELECT detail FROM audit WHERE id = ${target}) WHERE id = ${target}`);
    sql(w.dataDir, `DELETE FROM audit WHERE id = ${target + 1}`);
    v = await w.cli(['audit', 'verify'], { code: 1 });
    assert.match(v.stdout, /broken at row \d+/);
    const row = Number(/broken at row (\d+)/.exec(v.stdout)[1]);
    assert.ok(row === target || row === target + 2, v.stdout);
  });
});
