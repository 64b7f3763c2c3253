// Shared helpers for the API tests: start the real binary on a free port with a temporary data
// directory, talk to it with fetch or a raw socket, stop it with SIGTERM and check it exits 0.
//
//   import { startServer } from './helpers.mjs';
//   const srv = await startServer();            // TONGDAI_TEST_ROUTES=1 unless testRoutes:false
//   const res = await srv.fetch('/api/v1/health');
//   await srv.stop();                           // SIGTERM; asserts exit code 0 within 5 s
//
// The binary is $TONGDAI_BIN (absolute; build/tongdai by default). The server listens on
// 127.0.0.1:0 and the helper reads the chosen port from the "listening on http://..." line, so
// there is no race for a free port. Use one server per test file (or per describe) and always
// stop it in an after() hook.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.TONGDAI_BIN || path.join(repoRoot, 'build/tongdai');
/** True under the ASan build (slower start-up and requests). */
export const SANITIZED = /build-san/.test(BIN);

/** A fresh temporary directory (removed by the caller or by server.stop()). */
export function tempDir(prefix = 'tongdai-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A temporary share directory (what TONGDAI_SHARE points at) whose data/ and migrations/ are the
 * repository's (symlinked) and whose web/ is an empty directory for the test to fill.
 * Returns { dir, web }.
 */
export function tempShare() {
  const dir = tempDir('tongdai-share-');
  fs.symlinkSync(path.join(repoRoot, 'data'), path.join(dir, 'data'));
  fs.symlinkSync(path.join(repoRoot, 'migrations'), path.join(dir, 'migrations'));
  const web = path.join(dir, 'web');
  fs.mkdirSync(web);
  return { dir, web };
}

// Servers still running when a test file ends (a test failed before stopping its server) are
// killed, so a failure never leaves the test runner waiting on a child process.
const live = new Set();
after(() => {
  for (const p of live) p.kill('SIGKILL');
});

/** process.env plus extra; a value of undefined removes the variable. */
export function mergeEnv(extra) {
  const env = { ...process.env, ...extra };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return env;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Run the binary to completion (for command-line checks). Returns { code, signal, stdout, stderr }.
 */
export function runCli(args, { env = {}, timeoutMs = 20000 } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(BIN, args, { env: mergeEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`timeout: ${BIN} ${args.join(' ')}`));
    }, timeoutMs);
    p.on('error', reject);
    p.on('close', (code, signal) => {
      clearTimeout(t);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Start `tongdai serve` and wait until GET /api/v1/health answers 200.
 * Options: dataDir (default: a new temp dir, removed at stop), env (extra environment; a value
 * of undefined removes a variable; TONGDAI_SERVER_CONNECTION_LIMIT_PER_IP is 1024 unless given),
 * args (extra serve arguments), share (a TONGDAI_SHARE directory), testRoutes (default true:
 * sets TONGDAI_TEST_ROUTES=1), waitHealthy (default true).
 * Returns a server object: { url, port, dataDir, proc, fetch(path, init), stderr(), stop() }.
 */
export async function startServer(opts = {}) {
  const ownData = !opts.dataDir;
  const dataDir = opts.dataDir || tempDir();
  // Tests fire many concurrent requests from 127.0.0.1 (fetch opens a connection for each), far
  // beyond what one browser does: the per-address connection limit is raised unless the test
  // sets it (hardening.test.mjs passes undefined to get the configured or default value).
  const env = mergeEnv({ TONGDAI_SERVER_CONNECTION_LIMIT_PER_IP: '1024', ...(opts.env || {}) });
  if (opts.testRoutes !== false) env.TONGDAI_TEST_ROUTES = '1';
  if (opts.share) env.TONGDAI_SHARE = opts.share;
  const args = ['serve', '--data', dataDir, '--listen', '127.0.0.1:0', ...(opts.args || [])];
  const proc = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  let err = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      live.delete(proc);
      exited = { code, signal, at: Date.now() };
      resolve(exited);
    });
  });
  proc.stderr.on('data', (d) => (err += d));
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not print its URL within 20 s\n${err}`)),
      20000,
    );
    proc.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[0-9.]+:[0-9]+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`server exited early (code ${e.code}, signal ${e.signal})\n${err}`));
    });
  });
  const port = Number(new URL(url).port);
  const server = {
    url,
    port,
    dataDir,
    proc,
    stderr: () => err,
    stdout: () => out,
    exited: () => exited,
    exitPromise,
    fetch: (p, init = {}) => fetch(url + p, { redirect: 'manual', ...init }),
    /**
     * SIGTERM, wait for the exit, assert it is code 0 within limitMs (default 5000), remove
     * the temp data dir. Returns { code, signal, ms }.
     */
    async stop({ limitMs = 5000, keepData = false } = {}) {
      if (!exited) {
        const t0 = Date.now();
        proc.kill('SIGTERM');
        const killer = setTimeout(() => proc.kill('SIGKILL'), limitMs + 10000);
        await exitPromise;
        clearTimeout(killer);
        exited.ms = exited.at - t0;
      }
      if (ownData && !keepData) fs.rmSync(dataDir, { recursive: true, force: true });
      if (exited.code !== 0 || exited.ms > limitMs) {
        throw new Error(
          `server stop: code ${exited.code} signal ${exited.signal} after ${exited.ms} ms\n${err.slice(-4000)}`,
        );
      }
      return exited;
    },
  };
  if (opts.waitHealthy !== false) {
    const deadline = Date.now() + 20000;
    for (;;) {
      try {
        const r = await server.fetch('/api/v1/health');
        await r.arrayBuffer();
        if (r.status === 200) break;
      } catch {
        /* not yet */
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`server not healthy within 20 s\n${err}`);
      }
      await sleep(50);
    }
  }
  return server;
}

/**
 * Send bytes exactly as given over a fresh TCP connection (for requests fetch would normalise or
 * refuse: "..", "%2e%2e", NUL, oversized lines, chunked bodies) and read the response until the
 * server closes or the body is complete. Returns { status, headers (lower-case names), body,
 * raw }; status 0 when the server closed without answering.
 */
export function rawRequest(port, data, { timeoutMs = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    const timer = setTimeout(() => {
      if (!done) {
        done = true;
        sock.destroy();
        reject(new Error('raw request timed out'));
      }
    }, timeoutMs);
    sock.on('connect', () => sock.write(data));
    sock.on('data', (d) => {
      chunks.push(d);
      const r = parseResponse(Buffer.concat(chunks));
      if (r.complete) finish();
    });
    sock.on('end', finish);
    sock.on('close', finish);
    sock.on('error', (e) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') finish();
      else if (!done) {
        done = true;
        clearTimeout(timer);
        reject(e);
      }
    });
  });
}

function parseResponse(buf) {
  const raw = buf.toString('latin1');
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', raw, complete: false };
  const lines = raw.slice(0, end).split('\r\n');
  const status = Number((/^HTTP\/1\.[01] (\d{3})/.exec(lines[0]) || [])[1] || 0);
  const headers = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const bodyBuf = buf.subarray(end + 4); // latin1: one character per byte
  const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : -1;
  const complete = len >= 0 && bodyBuf.length >= len;
  return { status, headers, body: bodyBuf.toString('utf8'), raw, complete };
}

/** A GET request line with Host and Connection: close, for rawRequest. */
export function rawGet(target, extraHeaders = '') {
  return `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extraHeaders}Connection: close\r\n\r\n`;
}

/** Assert helper: the JSON error body of a response has this code (returns the error object). */
export async function errorOf(res) {
  const body = await res.json();
  if (!body || typeof body.error !== 'object') throw new Error(`not an error body: ${JSON.stringify(body)}`);
  return body.error;
}

export const CSP =
  "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** Assert the security headers every response carries (fetch Response or rawRequest result). */
export function assertSecurityHeaders(res, where = '') {
  const h = (n) => (res.headers.get ? res.headers.get(n) : res.headers[n]);
  if (h('content-security-policy') !== CSP) throw new Error(`${where}: CSP is ${h('content-security-policy')}`);
  if (h('x-content-type-options') !== 'nosniff') throw new Error(`${where}: X-Content-Type-Options`);
  if (h('referrer-policy') !== 'no-referrer') throw new Error(`${where}: Referrer-Policy`);
  if (h('x-frame-options') !== 'DENY') throw new Error(`${where}: X-Frame-Options`);
}
