// Known-bad domains (issue 4): `tongdai blocklist import FILE --source NAME` stores them with their
// source and date; the server loads them at start-up into triage, and a report naming such a host
// (or a sub-domain of it) carries a known_bad entity.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { cli, login, seed } from './cases-helpers.mjs';
import { startServer, tempDir } from './helpers.mjs';

describe('blocklist', () => {
  let dataDir;
  let srv;
  before(async () => {
    dataDir = tempDir('tongdai-bl-');
    await seed(dataDir);
    const f = path.join(dataDir, 'hosts.txt');
    fs.writeFileSync(
      f,
      [
        '# threat list',
        '0.0.0.0 hocbong-sinhvien24h.click',
        '127.0.0.1 WWW.Vay-Nhanh-Online.net  # comment',
        'nhan-qua-tet.shop',
        'not a domain at all',
        '',
      ].join('\n'),
    );
    const r = await cli(dataDir, ['blocklist', 'import', f, '--source', 'test-list']);
    assert.match(r.stdout, /blocklist test-list: 4 domains read, 3 added, 0 already known, 1 skipped/);
    const again = await cli(dataDir, ['blocklist', 'import', f, '--source', 'test-list']);
    assert.match(again.stdout, /0 added, 3 already known/);
  });
  after(async () => {
    if (srv) await srv.stop({ keepData: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('domains are stored canonical with source and date', () => {
    const rows = execFileSync('sqlite3', [path.join(dataDir, 'tongdai.db'), 'SELECT domain, source, imported_at > 0 FROM blocklist ORDER BY domain'], { encoding: 'utf8' });
    assert.equal(rows.trim(), ['hocbong-sinhvien24h.click|test-list|1', 'nhan-qua-tet.shop|test-list|1', 'vay-nhanh-online.net|test-list|1'].join('\n'));
  });

  test('the server marks links to those hosts known-bad', async () => {
    srv = await startServer({ dataDir, env: { TONGDAI_AUTH_PWHASH_OPS: '1', TONGDAI_AUTH_PWHASH_MEM_KIB: '8' } });
    const res = await srv.fetch('/api/v1/reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        institution: 'A',
        text: 'Em bấm vào link https://hocbong-sinhvien24h.click/nhan-qua rồi nhập số thẻ, còn link http://tin-tuc.example.vn/bai-viet thì bình thường',
      }),
    });
    assert.equal(res.status, 201);
    const { case_code: code } = await res.json();
    const la = await login(srv, 'la');
    const v = await la.json(`/api/v1/cases/${code}`);
    const urls = v.body.entities.filter((e) => e.kind === 'url');
    assert.equal(urls.length, 2, JSON.stringify(v.body.entities));
    assert.equal(urls.find((e) => e.value.startsWith('hocbong')).known_bad, true);
    assert.equal(urls.find((e) => e.value.startsWith('tin-tuc')).known_bad, false);
    assert.match(srv.stderr(), /blocked_domains=3/);
  });
});
