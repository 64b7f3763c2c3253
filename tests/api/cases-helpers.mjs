// Helpers for the case API tests (tests/api/cases*.test.mjs): a data directory with institutions
// and accounts made through the real command line, a server on it, logged-in staff clients.
//
//   const w = await caseWorld({ env });   // institutions A, B; accounts a1 a2 la b1 lb city admin
//   const a1 = await w.login('a1');       // { fetch, json, csrf, account }
//   const r = await w.report({ institution: 'A', text: '...' });
//   await w.stop();
//
// argon2id runs at its minimum cost here (auth.pwhash_*): still argon2id, just fast enough for the
// sanitizer build. The environment is given to the command line and the server alike.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { runCli, startServer, tempDir } from './helpers.mjs';

export const FAST_HASH = { TONGDAI_AUTH_PWHASH_OPS: '1', TONGDAI_AUTH_PWHASH_MEM_KIB: '8' };
/** Limits high enough for tests that are not about limits (cases-limits.test.mjs sets its own). */
export const RELAXED_LIMITS = {
  TONGDAI_LIMITS_LOGIN_PER_MINUTE: '1000',
  TONGDAI_LIMITS_LOGIN_PER_USER_PER_MINUTE: '1000',
  TONGDAI_LIMITS_LOOKUP_PER_MINUTE: '1000',
  TONGDAI_LIMITS_LOOKUP_PER_CODE_PER_MINUTE: '1000',
  TONGDAI_LIMITS_REPORT_PER_MINUTE: '1000',
};
export const JSON_HDR = { 'Content-Type': 'application/json' };
export const PASSWORD = 'mat-khau-thu-nghiem';

export const USERS = [
  ['a1', 'counsellor', 'A'],
  ['a2', 'counsellor', 'A'],
  ['la', 'lead', 'A'],
  ['b1', 'counsellor', 'B'],
  ['lb', 'lead', 'B'],
  ['city', 'city', null],
  ['admin', 'admin', null],
];

/** Run a tongdai command on dataDir; asserts the exit code (default 0). */
export async function cli(dataDir, args, { env = {}, code = 0 } = {}) {
  const r = await runCli([...args, '--data', dataDir], { env: { ...FAST_HASH, ...env } });
  assert.equal(r.code, code, `tongdai ${args.join(' ')} -> ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Institutions A and B and the USERS accounts, made with the command line. */
export async function seed(dataDir, env = {}) {
  await cli(dataDir, ['institution', 'add', 'A', 'Trường Cao đẳng A', '--students', '1200'], { env });
  await cli(dataDir, ['institution', 'add', 'B', 'Trường Trung cấp B'], { env });
  const pw = path.join(dataDir, 'pw.txt');
  fs.writeFileSync(pw, PASSWORD + '\n', { mode: 0o600 });
  for (const [u, role, inst] of USERS) {
    const args = ['user', 'add', u, '--role', role, '--password-file', pw];
    if (inst) args.push('--institution', inst);
    await cli(dataDir, args, { env });
  }
  fs.rmSync(pw);
}

/** A logged-in client: fetch with the session cookie, and the CSRF header on state changes. */
export async function login(srv, username, password = PASSWORD) {
  const res = await srv.fetch('/api/v1/session', {
    method: 'POST',
    headers: JSON_HDR,
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login ${username}: ${res.status} ${await res.clone().text()}`);
  const body = await res.json();
  const cookie = /td_session=[^;]+/.exec(res.headers.get('set-cookie'))[0];
  const client = {
    account: body.account,
    csrf: body.csrf_token,
    cookie,
    fetch(p, init = {}) {
      const headers = { Cookie: cookie, ...(init.headers || {}) };
      const m = (init.method || 'GET').toUpperCase();
      if (m !== 'GET' && m !== 'HEAD' && init.csrf !== false) headers['X-CSRF-Token'] = client.csrf;
      if (init.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
      const body = init.body !== undefined && typeof init.body !== 'string' ? JSON.stringify(init.body) : init.body;
      return srv.fetch(p, { ...init, headers, body });
    },
    /** fetch and parse: { status, body, headers } */
    async json(p, init = {}) {
      const r = await client.fetch(p, init);
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
    },
  };
  return client;
}

/** A world: seeded data directory and a running server. */
export async function caseWorld({ env = {}, seedData = true } = {}) {
  const dataDir = tempDir('tongdai-cases-');
  const fullEnv = { ...FAST_HASH, ...RELAXED_LIMITS, ...env };
  if (seedData) await seed(dataDir, fullEnv);
  const srv = await startServer({ dataDir, env: fullEnv });
  const w = {
    srv,
    dataDir,
    env: fullEnv,
    login: (u, p) => login(srv, u, p),
    async report(body, { status = 201, headers = {} } = {}) {
      const r = await srv.fetch('/api/v1/reports', {
        method: 'POST',
        headers: { ...JSON_HDR, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const json = await r.json();
      assert.equal(r.status, status, JSON.stringify(json));
      return json;
    },
    student(code, key, init = {}) {
      return srv.fetch(`/api/v1/reports/${code}${init.suffix || ''}`, {
        ...init,
        headers: { 'X-Access-Key': key, ...(init.body ? JSON_HDR : {}), ...(init.headers || {}) },
      });
    },
    cli: (args, opts = {}) => cli(dataDir, args, { env: fullEnv, ...opts }),
    async stop() {
      await srv.stop({ keepData: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return w;
}
