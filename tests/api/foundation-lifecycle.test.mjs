// Foundation (issue 2): graceful shutdown, database failure (503), data directory set-up and the
// `tongdai serve` command line (flags, configuration precedence, --check-config).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';

import { runCli, startServer, tempDir } from './helpers.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Whether a new TCP connection to port is refused right now. */
function refused(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (e) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown', () => {
  test('SIGTERM during a slow request finishes it, refuses new connections, exits 0 within 5 s', async () => {
    const srv = await startServer();
    const pending = srv.fetch('/api/v1/_test/sleep?ms=1500');
    await sleep(400); // the request is now inside its handler
    const t0 = Date.now();
    srv.proc.kill('SIGTERM');
    let sawRefused = false;
    for (let i = 0; i < 40 && !sawRefused; i++) {
      sawRefused = await refused(srv.port);
      if (!sawRefused) await sleep(25);
    }
    const res = await pending;
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { slept: 1500 });
    assert.ok(sawRefused, 'new connections are refused once shutdown begins');
    const exit = await srv.exitPromise;
    assert.equal(exit.code, 0);
    assert.ok(exit.at - t0 < 5000, `exited after ${exit.at - t0} ms`);
    assert.match(srv.stderr(), /msg="shutting down" signal=15 inflight=1/);
    assert.match(srv.stderr(), /path="\/api\/v1\/_test\/sleep" status=200/);
    assert.match(srv.stderr(), /msg=stopped/);
    await srv.stop();
  });

  test('an upload in flight at SIGTERM is completed', async () => {
    const srv = await startServer();
    const body = JSON.stringify({ text: 'nửa đầu rồi nửa sau' });
    const half = Math.floor(Buffer.byteLength(body) / 2);
    const buf = Buffer.from(body);
    const sock = net.connect(srv.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    let reply = '';
    sock.on('data', (d) => (reply += d));
    const closed = new Promise((r) => sock.on('close', r));
    sock.write(
      'POST /api/v1/_test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${buf.length}\r\nConnection: close\r\n\r\n`,
    );
    sock.write(buf.subarray(0, half));
    await sleep(300);
    srv.proc.kill('SIGTERM');
    await sleep(300);
    sock.write(buf.subarray(half));
    await closed;
    assert.match(reply, /^HTTP\/1\.1 200/);
    assert.ok(reply.includes(JSON.stringify({ received: JSON.parse(body) })), reply);
    const exit = await srv.exitPromise;
    assert.equal(exit.code, 0);
    await srv.stop();
  });

  test('idle keep-alive connections do not hold up the exit', async () => {
    const srv = await startServer();
    const socks = [];
    for (let i = 0; i < 5; i++) {
      const s = net.connect(srv.port, '127.0.0.1');
      await new Promise((r) => s.on('connect', r));
      s.write('GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n'); // keep-alive
      s.on('error', () => {});
      socks.push(s);
    }
    await sleep(200);
    const r = await srv.stop({ limitMs: 5000 });
    assert.equal(r.code, 0);
    assert.ok(r.ms < 5000);
    for (const s of socks) s.destroy();
  });

  test('SIGINT stops the server too', async () => {
    const srv = await startServer();
    srv.proc.kill('SIGINT');
    const exit = await srv.exitPromise;
    assert.equal(exit.code, 0);
    await srv.stop();
  });
});

describe('database failure', () => {
  test('health answers 503 with "db":"error" when the database cannot be read', async () => {
    const srv = await startServer();
    const ok = await srv.fetch('/api/v1/health');
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    // Corrupt the database under the running server, as a failing disk would: first a write
    // from another process (the sqlite3 shell) so that every server connection drops its page
    // cache at its next read, then garbage over the whole main file (same inode, so the open
    // descriptors see it). Pages the shell's write put in the WAL stay readable; every table
    // page of schema_migrations now reads as garbage.
    const db = path.join(srv.dataDir, 'tongdai.db');
    const sh = spawnSync('sqlite3', ['-cmd', '.timeout 5000', db, 'PRAGMA user_version = 4242;'], {
      encoding: 'utf8',
    });
    assert.equal(sh.status, 0, `sqlite3: ${sh.stderr}`);
    const size = fs.statSync(db).size;
    const fd = fs.openSync(db, 'r+');
    fs.writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, 0);
    fs.closeSync(fd);
    for (let i = 0; i < 6; i++) {
      // several requests, so every worker thread's connection is exercised
      const res = await srv.fetch('/api/v1/health');
      assert.equal(res.status, 503, `request ${i}`);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = await res.json();
      assert.equal(body.db, 'error');
      assert.equal(body.status, 'error');
      assert.match(body.version, /^\d+\.\d+\.\d+/);
    }
    await srv.stop(); // still a clean exit
  });
});

describe('data directory', () => {
  test('serve initialises an empty data directory (database, 0600 key)', async () => {
    const parent = tempDir();
    const dir = path.join(parent, 'fresh');
    const srv = await startServer({ dataDir: dir });
    assert.ok(fs.existsSync(path.join(dir, 'tongdai.db')));
    const mode = fs.statSync(path.join(dir, 'tongdai.key')).mode & 0o777;
    assert.equal(mode, 0o600);
    await srv.stop();
    // and starts again on the same directory
    const again = await startServer({ dataDir: dir });
    await again.stop();
    fs.rmSync(parent, { recursive: true, force: true });
  });
});

describe('serve command line', () => {
  const usage = async (args, env = {}) => {
    const r = await runCli(['serve', ...args], { env });
    assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, `one line: ${r.stderr}`);
    assert.match(lines[0], /^tongdai: /);
    return lines[0];
  };

  test('unknown flags and bad values exit 2 with one line', async () => {
    const data = tempDir();
    assert.match(await usage(['--bogus']), /unknown argument '--bogus'/);
    assert.match(await usage(['--data']), /--data needs a value/);
    assert.match(await usage(['--listen', 'nonsense', '--data', data]), /--listen/);
    assert.match(await usage(['--listen', '127.0.0.1:99999', '--data', data]), /--listen/);
    assert.match(await usage(['--listen', 'example.org:80', '--data', data]), /--listen/);
    assert.match(await usage(['--config', path.join(data, 'missing.conf'), '--data', data]), /config/);
    assert.match(await usage(['--data', data], { TONGDAI_LISTEN: 'bad' }), /environment/);
    assert.match(await usage(['--data', data], { TONGDAI_SERVER_THREADS: 'many' }), /server\.threads/);
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('--check-config validates and exits 0 without touching the data directory', async () => {
    const parent = tempDir();
    const data = path.join(parent, 'var');
    const r = await runCli(['serve', '--data', data, '--check-config']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^config ok: /);
    assert.ok(!fs.existsSync(data), 'no data directory created');
    fs.rmSync(parent, { recursive: true, force: true });
  });

  test('--check-config refuses a bad tongdai.conf with the file and line', async () => {
    const data = tempDir();
    fs.writeFileSync(path.join(data, 'tongdai.conf'), '[server]\nthreads = 2\nthreadz = 3\n');
    const line = await usage(['--data', data, '--check-config']);
    assert.match(line, /tongdai\.conf:3: unknown setting 'server\.threadz'/);
    fs.writeFileSync(path.join(data, 'tongdai.conf'), '[server]\nlog_level = loud\n');
    assert.match(await usage(['--data', data, '--check-config']), /log_level/);
    fs.writeFileSync(path.join(data, 'tongdai.conf'), '[server]\nconnection_timeout = 0\n');
    assert.match(await usage(['--data', data, '--check-config']), /connection_timeout/);
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('precedence: defaults < tongdai.conf < environment < flags', async () => {
    const data = tempDir();
    const listenOf = async (args, env = {}) => {
      const r = await runCli(['serve', '--check-config', ...args], { env: { TONGDAI_LISTEN: undefined, TONGDAI_DATA: undefined, ...env } });
      assert.equal(r.code, 0, r.stderr);
      return /listen=(\S+)/.exec(r.stdout)[1];
    };
    assert.equal(await listenOf(['--data', data]), '127.0.0.1:8080');
    fs.writeFileSync(path.join(data, 'tongdai.conf'), '# test\n[server]\nlisten = 127.0.0.1:7001\n');
    assert.equal(await listenOf(['--data', data]), '127.0.0.1:7001');
    // the data directory may come from the environment too
    assert.equal(await listenOf([], { TONGDAI_DATA: data }), '127.0.0.1:7001');
    assert.equal(await listenOf(['--data', data], { TONGDAI_LISTEN: '127.0.0.1:7002' }), '127.0.0.1:7002');
    assert.equal(
      await listenOf(['--data', data, '--listen', '127.0.0.1:7003'], { TONGDAI_LISTEN: '127.0.0.1:7002' }),
      '127.0.0.1:7003',
    );
    const other = path.join(data, 'other.conf');
    fs.writeFileSync(other, '[server]\nlisten = 127.0.0.1:7004\n');
    assert.equal(await listenOf(['--data', data, `--config=${other}`]), '127.0.0.1:7004');
    fs.rmSync(data, { recursive: true, force: true });
  });

  test('an address in use exits 1 with a message', async () => {
    const blocker = net.createServer();
    await new Promise((r) => blocker.listen(0, '127.0.0.1', r));
    const port = blocker.address().port;
    const data = tempDir();
    const r = await runCli(['serve', '--data', data, '--listen', `127.0.0.1:${port}`]);
    blocker.close();
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+/);
    fs.rmSync(data, { recursive: true, force: true });
  });
});
