// Foundation (issue 2): static files from web/ with content types, ETag/304, index.html, and
// path canonicalisation: "..", "%2e%2e", "//", NUL, encoded slashes and symlinks out of web/
// are refused with 404 and never return a file outside web/.
// Runs against a temporary share directory (TONGDAI_SHARE) with its own web/, so it can plant a
// secret next to web/ and symlinks inside it.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertSecurityHeaders, rawGet, rawRequest, startServer, tempShare } from './helpers.mjs';

const SECRET = 'TOP-SECRET-OUTSIDE-WEB-3f9a';

describe('foundation static files', () => {
  let srv;
  let share;
  before(async () => {
    share = tempShare();
    const w = (p, data) => {
      fs.mkdirSync(path.dirname(path.join(share.web, p)), { recursive: true });
      fs.writeFileSync(path.join(share.web, p), data);
    };
    w('index.html', '<!doctype html><title>tongdai</title><p>root index</p>');
    w('app.js', 'export const x = 1;\n');
    w('app.css', 'body{margin:0}\n');
    w('logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    w('logo.png', Buffer.from('89504e470d0a1a0a', 'hex'));
    w('data.json', '{"a":1}');
    w('font.woff2', Buffer.from('774f4632', 'hex'));
    w('favicon.ico', Buffer.from('00000100', 'hex'));
    w('app.webmanifest', '{"name":"tongdai"}');
    w('blob.bin', Buffer.from([1, 2, 3]));
    w('console/index.html', '<!doctype html><title>console</title>');
    w('.hidden', 'hidden file');
    // outside web/: a secret, and symlinks in web/ pointing at it and at /etc
    fs.writeFileSync(path.join(share.dir, 'secret.txt'), SECRET);
    fs.symlinkSync(path.join(share.dir, 'secret.txt'), path.join(share.web, 'leak.txt'));
    fs.symlinkSync('../secret.txt', path.join(share.web, 'leak-rel.txt'));
    fs.symlinkSync('/etc', path.join(share.web, 'etc'));
    fs.symlinkSync(share.dir, path.join(share.web, 'up'));
    // a symlink that stays inside web/ is fine
    fs.symlinkSync('app.css', path.join(share.web, 'alias.css'));
    srv = await startServer({ share: share.dir });
  });
  after(async () => {
    await srv.stop();
    fs.rmSync(share.dir, { recursive: true, force: true });
  });

  test('GET / serves web/index.html with the security headers', async () => {
    const res = await srv.fetch('/');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assertSecurityHeaders(res, '/');
    assert.match(await res.text(), /root index/);
  });

  test('content types by extension', async () => {
    const want = {
      '/index.html': 'text/html; charset=utf-8',
      '/app.js': 'text/javascript; charset=utf-8',
      '/app.css': 'text/css; charset=utf-8',
      '/logo.svg': 'image/svg+xml',
      '/logo.png': 'image/png',
      '/data.json': 'application/json',
      '/font.woff2': 'font/woff2',
      '/favicon.ico': 'image/x-icon',
      '/app.webmanifest': 'application/manifest+json',
      '/blob.bin': 'application/octet-stream',
    };
    for (const [p, type] of Object.entries(want)) {
      const res = await srv.fetch(p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-type'), type, p);
      assertSecurityHeaders(res, p);
      const body = Buffer.from(await res.arrayBuffer());
      assert.deepEqual(body, fs.readFileSync(path.join(share.web, p)), p);
    }
  });

  test('ETag and If-None-Match give 304; a changed file gets a new ETag', async () => {
    const res = await srv.fetch('/app.js');
    const etag = res.headers.get('etag');
    await res.arrayBuffer();
    assert.match(etag, /^"[0-9a-f-]+"$/);
    const again = await srv.fetch('/app.js', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get('etag'), etag);
    assertSecurityHeaders(again, '304');
    assert.equal((await again.text()).length, 0);
    const listed = await srv.fetch('/app.js', { headers: { 'If-None-Match': `"nope", W/${etag}` } });
    assert.equal(listed.status, 304);
    await listed.arrayBuffer();
    const star = await srv.fetch('/app.js', { headers: { 'If-None-Match': '*' } });
    assert.equal(star.status, 304);
    await star.arrayBuffer();
    const other = await srv.fetch('/app.js', { headers: { 'If-None-Match': '"something-else"' } });
    assert.equal(other.status, 200);
    await other.arrayBuffer();

    const file = path.join(share.web, 'app.js');
    fs.writeFileSync(file, 'export const x = 2; // changed\n');
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(file, future, future);
    const changed = await srv.fetch('/app.js', { headers: { 'If-None-Match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
    assert.match(await changed.text(), /changed/);
  });

  test('a directory serves its index.html; without the slash it redirects', async () => {
    const res = await srv.fetch('/console/');
    assert.equal(res.status, 200);
    assert.match(await res.text(), /console/);
    const redir = await srv.fetch('/console');
    assert.equal(redir.status, 301);
    assert.equal(redir.headers.get('location'), '/console/');
    assertSecurityHeaders(redir, '301');
    await redir.arrayBuffer();
  });

  test('missing files, hidden files and non-GET methods', async () => {
    for (const p of ['/nope.html', '/.hidden', '/console/nope/', '/index.html/']) {
      const res = await srv.fetch(p);
      assert.equal(res.status, 404, p);
      assertSecurityHeaders(res, p);
      assert.equal((await res.json()).error.code, 'not_found', p);
    }
    const post = await srv.fetch('/index.html', { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal((await post.json()).error.code, 'method_not_allowed');
  });

  test('traversal variants answer 404 not_found and never a file outside web/', async () => {
    const targets = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/%2E%2E/%2e%2e/etc/passwd',
      '/.%2e/secret.txt',
      '/%2e./secret.txt',
      '/console/../../secret.txt',
      '/console/%2e%2e/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%2fsecret.txt',
      '/console%2f..%2f..%2fsecret.txt',
      '//secret.txt',
      '//etc/passwd',
      '/console//index.html',
      '/index.html%00.js',
      '/index.html%00',
      '/%00',
      '/..%5csecret.txt',
      '/%5c..%5csecret.txt',
      '/\\..\\secret.txt',
      '/%c0%ae%c0%ae/secret.txt', // overlong UTF-8 dots
      '/..%c0%afsecret.txt', // overlong UTF-8 slash
      '/%ff',
      '/.',
      '/console/.',
      '/%2e',
      'secret.txt',
      '/leak.txt',
      '/leak-rel.txt',
      '/etc/passwd',
      '/etc/hostname',
      '/up/secret.txt',
      '/up/data/i18n/vi.json',
    ];
    for (const t of targets) {
      const r = await rawRequest(srv.port, rawGet(t));
      assert.ok(r.status === 404 || r.status === 400, `${t}: status ${r.status}`);
      assert.ok(!r.body.includes(SECRET), `${t}: leaked the secret`);
      assert.ok(!/root:.*:0:0:/.test(r.body), `${t}: leaked /etc/passwd`);
      if (r.status === 404) {
        assert.equal(JSON.parse(r.body).error.code, 'not_found', t);
        assertSecurityHeaders(r, t);
      }
    }
  });

  test('traversal under /api answers 404 too', async () => {
    for (const t of ['/api/v1/../v1/health', '/api/v1/%2e%2e/v1/health', '/api//v1/health', '/api/v1/health%00']) {
      const r = await rawRequest(srv.port, rawGet(t));
      assert.equal(r.status, 404, t);
      assert.equal(JSON.parse(r.body).error.code, 'not_found', t);
    }
  });

  test('a symlink that stays inside web/ is served', async () => {
    const res = await srv.fetch('/alias.css');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.match(await res.text(), /margin/);
  });
});
