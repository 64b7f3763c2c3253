// Foundation (issue 2): health, JSON errors, routing, every bad-input row, security headers,
// language negotiation, access log, rate limiter. Static files: foundation-static.test.mjs;
// shutdown, database failure and command line: foundation-lifecycle.test.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertSecurityHeaders, errorOf, rawGet, rawRequest, startServer } from './helpers.mjs';

const JSON_HDR = { 'Content-Type': 'application/json' };

describe('foundation API', () => {
  let srv;
  before(async () => {
    srv = await startServer();
  });
  after(async () => {
    await srv.stop();
  });

  test('GET /api/v1/health answers 200 with status, version and db', async () => {
    const res = await srv.fetch('/api/v1/health');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(res.headers.get('x-request-id'), /^[0-9a-f]{16}$/);
    assertSecurityHeaders(res, 'health');
    const body = await res.json();
    assert.equal(body.status, 'ok');
    assert.equal(body.db, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(Object.keys(body).sort(), ['db', 'status', 'version']);
  });

  test('HEAD /api/v1/health answers 200 without a body', async () => {
    const res = await srv.fetch('/api/v1/health', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal((await res.text()).length, 0);
  });

  test('every request gets its own request id', async () => {
    const a = await srv.fetch('/api/v1/health');
    const b = await srv.fetch('/api/v1/health');
    await a.arrayBuffer();
    await b.arrayBuffer();
    assert.notEqual(a.headers.get('x-request-id'), b.headers.get('x-request-id'));
  });

  test('unknown /api path answers 404 JSON not_found', async () => {
    for (const p of ['/api/v1/nope', '/api/v1/health/extra', '/api', '/api/', '/api/v2/health']) {
      const res = await srv.fetch(p);
      assert.equal(res.status, 404, p);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assertSecurityHeaders(res, p);
      const e = await errorOf(res);
      assert.equal(e.code, 'not_found', p);
      assert.equal(e.message, 'Không tìm thấy', p); // Vietnamese by default
    }
  });

  test('wrong method answers 405 JSON with Allow', async () => {
    for (const method of ['POST', 'DELETE', 'PUT', 'PATCH']) {
      const res = await srv.fetch('/api/v1/health', { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      assertSecurityHeaders(res, '405');
      const e = await errorOf(res);
      assert.equal(e.code, 'method_not_allowed');
    }
    const res = await srv.fetch('/api/v1/_test/echo');
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal((await errorOf(res)).code, 'method_not_allowed');
  });

  test('an unknown method answers 405, not a crash', async () => {
    const r = await rawRequest(
      srv.port,
      'BREW /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    assert.ok([405, 501, 400].includes(r.status), `status ${r.status}`);
  });

  test('English when Accept-Language prefers it, or with the lang cookie', async () => {
    let res = await srv.fetch('/api/v1/nope', { headers: { 'Accept-Language': 'en-US,en;q=0.9,vi;q=0.5' } });
    assert.equal((await errorOf(res)).message, 'Not found');
    res = await srv.fetch('/api/v1/nope', { headers: { 'Accept-Language': 'vi-VN,vi;q=0.9,en;q=0.8' } });
    assert.equal((await errorOf(res)).message, 'Không tìm thấy');
    res = await srv.fetch('/api/v1/nope', { headers: { 'Accept-Language': 'fr, de' } });
    assert.equal((await errorOf(res)).message, 'Không tìm thấy');
    res = await srv.fetch('/api/v1/nope', { headers: { Cookie: 'lang=en', 'Accept-Language': 'vi' } });
    assert.equal((await errorOf(res)).message, 'Not found');
  });

  test('a valid JSON body reaches the handler', async () => {
    const res = await srv.fetch('/api/v1/_test/echo', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ text: 'Em bị lừa chuyển tiền', n: [1, { a: null }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { received: { text: 'Em bị lừa chuyển tiền', n: [1, { a: null }] } });
  });

  // ---- bad input (issue 2): status AND error code -------------------------------------------

  test('body over the route limit answers 413 payload_too_large (Content-Length)', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(2000) }); // the echo route allows 1 KiB
    const res = await srv.fetch('/api/v1/_test/echo', { method: 'POST', headers: JSON_HDR, body: big });
    assert.equal(res.status, 413);
    assertSecurityHeaders(res, '413');
    assert.equal((await errorOf(res)).code, 'payload_too_large');
  });

  test('a body just under the route limit is accepted', async () => {
    const body = JSON.stringify({ text: 'x'.repeat(1000) });
    assert.ok(body.length <= 1024);
    const res = await srv.fetch('/api/v1/_test/echo', { method: 'POST', headers: JSON_HDR, body });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  test('chunked body over the route limit answers 413 payload_too_large', async () => {
    const chunk = 'x'.repeat(600);
    const body = `{"t":"${chunk}${chunk}${chunk}"}`;
    const req =
      'POST /api/v1/_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n' +
      `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const r = await rawRequest(srv.port, req);
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.body).error.code, 'payload_too_large');
  });

  test('malformed JSON answers 400 bad_json naming line and column', async () => {
    let res = await srv.fetch('/api/v1/_test/echo', { method: 'POST', headers: JSON_HDR, body: '{"a":' });
    assert.equal(res.status, 400);
    let e = await errorOf(res);
    assert.equal(e.code, 'bad_json');
    assert.equal(e.line, 1);
    assert.equal(e.column, 5);
    assert.match(e.message, /dòng 1, cột 5/);

    res = await srv.fetch('/api/v1/_test/echo', {
      method: 'POST',
      headers: { ...JSON_HDR, 'Accept-Language': 'en' },
      body: '{\n  "text": "ok",\n  "n": tru\n}',
    });
    assert.equal(res.status, 400);
    e = await errorOf(res);
    assert.equal(e.code, 'bad_json');
    assert.equal(e.line, 3);
    assert.ok(e.column >= 8 && e.column <= 11, `column ${e.column}`);
    assert.match(e.message, /line 3, column \d+/);
  });

  test('other malformed bodies answer 400 bad_json', async () => {
    const bodies = [
      '',
      '[1,2]', // not an object
      '"text"',
      '{"a":1}garbage',
      '{"a":1,"a":2}', // duplicate key
      '{"a":"\\u0000"}', // NUL in a string
      Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), // {"a":"<0xff>"}: not UTF-8
      '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}', // deeper than server.json_depth
    ];
    for (const b of bodies) {
      const res = await srv.fetch('/api/v1/_test/echo', { method: 'POST', headers: JSON_HDR, body: b });
      assert.equal(res.status, 400, JSON.stringify(b));
      const e = await errorOf(res);
      assert.equal(e.code, 'bad_json', JSON.stringify(b));
      assert.equal(typeof e.line, 'number');
      assert.equal(typeof e.column, 'number');
    }
  });

  test('valid JSON that is not an object answers 400 bad_json naming the body', async () => {
    // Tester finding: `null`, `[]`, `123` and `"str"` were answered "malformed at line 1,
    // column 4", which sent the client looking for a syntax error that was not there.
    for (const b of ['null', '[]', '123', '"str"', 'true']) {
      const res = await srv.fetch('/api/v1/_test/echo', { method: 'POST', headers: { ...JSON_HDR, 'Accept-Language': 'en' }, body: b });
      assert.equal(res.status, 400, b);
      const e = await errorOf(res);
      assert.equal(e.code, 'bad_json', b);
      assert.equal(e.field, 'body', b);
      assert.match(e.message, /must be a JSON object/, b);
    }
  });

  test('wrong or missing content type answers 415 unsupported_media_type', async () => {
    // Regression (tester finding): a charset other than UTF-8 was accepted and the body read as UTF-8.
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', null,
      'application/json; charset=latin1', 'application/json;charset="ISO-8859-1"', 'application/json; foo=1; charset=utf-16']) {
      const headers = ct ? { 'Content-Type': ct } : {};
      const res = await srv.fetch('/api/v1/_test/echo', {
        method: 'POST',
        headers,
        body: ct ? '{"a":1}' : new Uint8Array(Buffer.from('{"a":1}')),
      });
      assert.equal(res.status, 415, String(ct));
      assertSecurityHeaders(res, '415');
      assert.equal((await errorOf(res)).code, 'unsupported_media_type', String(ct));
    }
  });

  test('application/json with charset utf-8 (any spelling) or other parameters is accepted', async () => {
    for (const ct of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON; charset="utf8"', 'application/json; foo=bar', 'application/json ;']) {
      const res = await srv.fetch('/api/v1/_test/echo', { method: 'POST', headers: { 'Content-Type': ct }, body: '{"a":1}' });
      assert.equal(res.status, 200, ct);
      await res.arrayBuffer();
    }
  });

  test('request line over the limit answers 431 header_too_large', async () => {
    const res = await srv.fetch('/api/v1/health?pad=' + 'a'.repeat(9000));
    assert.equal(res.status, 431);
    assert.equal((await errorOf(res)).code, 'header_too_large');
  });

  test('headers over the limit answer 431 header_too_large', async () => {
    const res = await srv.fetch('/api/v1/health', { headers: { 'X-Pad': 'b'.repeat(9000) } });
    assert.equal(res.status, 431);
    assert.equal((await errorOf(res)).code, 'header_too_large');
    const many = {};
    for (let i = 0; i < 200; i++) many[`X-H${i}`] = 'c'.repeat(60);
    const res2 = await srv.fetch('/api/v1/health', { headers: many });
    assert.equal(res2.status, 431);
    assert.equal((await errorOf(res2)).code, 'header_too_large');
  });

  test('a header far beyond the connection memory is refused (431) by the HTTP library', async () => {
    // Past MHD's per-connection memory (32 KiB) the library answers itself, before any handler.
    const r = await rawRequest(srv.port, rawGet('/api/v1/health', `X-Pad: ${'d'.repeat(64 * 1024)}\r\n`));
    assert.equal(r.status, 431);
    // A request line that long: libmicrohttpd answers 414 URI Too Long (it cannot be JSON).
    const r2 = await rawRequest(srv.port, rawGet('/api/v1/health?x=' + 'e'.repeat(64 * 1024)));
    assert.ok([400, 414, 431].includes(r2.status), `status ${r2.status}`);
    const ok = await srv.fetch('/api/v1/health');
    assert.equal(ok.status, 200); // and the server is still there
    await ok.arrayBuffer();
  });

  test('a connection reused after errors keeps working (keep-alive with the two-call pattern)', async () => {
    const req =
      'GET /api/v1/nope HTTP/1.1\r\nHost: x\r\n\r\n' +
      'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
    const r = await new Promise((resolve, reject) => {
      import('node:net').then(({ default: net }) => {
        const s = net.connect(srv.port, '127.0.0.1', () => s.write(req));
        let buf = '';
        s.on('data', (d) => (buf += d));
        s.on('end', () => resolve(buf));
        s.on('error', reject);
      });
    });
    const statuses = [...r.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    assert.deepEqual(statuses, [404, 200]);
  });

  test('rate limiter answers 429 rate_limited with Retry-After', async () => {
    const statuses = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await srv.fetch('/api/v1/_test/limited');
      statuses.push(last.status);
      if (last.status !== 429) await last.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const retry = Number(last.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal((await errorOf(last)).code, 'rate_limited');
  });

  test('the access log has one logfmt line per request, without the query string', async () => {
    const res = await srv.fetch('/api/v1/health?email=student%40example.org');
    const id = res.headers.get('x-request-id');
    await res.arrayBuffer();
    // the line is written when the response is complete; give the log a moment
    let line;
    for (let i = 0; i < 50 && !line; i++) {
      line = srv.stderr().split('\n').find((l) => l.includes(`id=${id}`));
      if (!line) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(line, 'access log line');
    assert.match(line, /^time=\S+ level=info msg=request method=GET path="\/api\/v1\/health" status=200 dur_ms=[0-9.]+ id=[0-9a-f]{16} ip=127\.0\.0\.1$/);
    assert.ok(!srv.stderr().includes('example.org'), 'query strings are never logged');
  });

  test('a path with quotes or control bytes cannot forge log fields', async () => {
    const r = await rawRequest(srv.port, rawGet('/api/x%22%20status=200%0a'));
    assert.equal(r.status, 404);
    await new Promise((res) => setTimeout(res, 50));
    assert.ok(!srv.stderr().split('\n').some((l) => /^ status=200/.test(l)));
  });
});
