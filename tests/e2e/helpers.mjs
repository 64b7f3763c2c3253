// Browser-test helpers: a real tongdai server on 127.0.0.1 with a fresh data directory, set up
// through the real command line; Debian's Chromium driven by playwright-core; axe-core checks.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.TONGDAI_BIN || path.join(repoRoot, 'build/tongdai');
const AXE_PATH = path.join(repoRoot, 'node_modules/axe-core/axe.min.js');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Fast password hashing for test accounts (the cost is read back from each hash). */
const TEST_ENV = { TONGDAI_AUTH_PWHASH_OPS: '1', TONGDAI_AUTH_PWHASH_MEM_KIB: '8192', TONGDAI_SERVER_LOG_LEVEL: 'warn' };

/**
 * Start `tongdai serve` on a free port with a fresh data directory. env: extra TONGDAI_*
 * settings; prepare(cli, dataDir): runs after `tongdai init`, before the server starts (for data
 * the server reads at start-up, such as the known-bad list). Resolves to {url, dataDir, cli, stop}; cli(args, input) runs another tongdai command
 * on the same data directory and returns {status, stdout, stderr}.
 */
// Servers still running when a test file ends (a test failed before stopping its server) are
// killed, so that a failure never leaves the test runner waiting on a child process.
const live = new Set();
after(() => {
    for (const p of live) p.kill('SIGKILL');
});

export async function startServer(env = {}, prepare = null) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tongdai-e2e-'));
    const fullEnv = { ...process.env, ...TEST_ENV, TONGDAI_DATA: dataDir, ...env };
    const cli = (args, input) => {
        const r = spawnSync(BIN, args, { env: fullEnv, input: input ?? '', encoding: 'utf8', timeout: 30000 });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const init = cli(['init', '--data', dataDir]);
    if (init.status !== 0) throw new Error(`tongdai init failed: ${init.stderr}`);
    if (prepare) await prepare(cli, dataDir);
    const child = spawn(BIN, ['serve', '--data', dataDir, '--listen', '127.0.0.1:0'], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const url = await new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15000);
        child.stdout.on('data', (d) => {
            out += d;
            const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
            if (m) {
                clearTimeout(timer);
                resolve(m[1]);
            }
        });
        child.on('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`server exited (${code}): ${stderr}`));
        });
    });
    const stop = async () => {
        if (child.exitCode === null) {
            const done = new Promise((r) => child.once('exit', r));
            child.kill('SIGTERM');
            await done;
        }
        fs.rmSync(dataDir, { recursive: true, force: true });
    };
    return { url, dataDir, cli, stop, logs: () => stderr };
}

/**
 * Create an institution and staff accounts through the command line (as an operator would).
 * users: [{username, role, password}]. Throws with the command's stderr on failure.
 */
export function setupInstitution(srv, code, name, users = []) {
    const r = srv.cli(['institution', 'add', code, name]);
    if (r.status !== 0) throw new Error(`institution add: ${r.stderr}`);
    for (const u of users) {
        const args = ['user', 'add', u.username, '--role', u.role, '--password-file', '-'];
        if (u.role === 'counsellor' || u.role === 'lead') args.push('--institution', code);
        const ru = srv.cli(args, `${u.password}\n`);
        if (ru.status !== 0) throw new Error(`user add ${u.username}: ${ru.stderr}`);
    }
}

export async function launchBrowser() {
    return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/**
 * A new isolated context and page. Collects page errors, console errors and every request URL,
 * so tests can assert "no errors, no third-party requests".
 */
export async function newPage(browser, { width = 1280, height = 900, locale = 'vi-VN' } = {}) {
    const context = await browser.newContext({ viewport: { width, height }, locale, timezoneId: 'Europe/London' });
    const page = await context.newPage();
    const problems = [];
    const requests = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|404|409|422|429|403)/.test(m.text()))
            problems.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => requests.push(r.url()));
    return { context, page, problems, requests };
}

/**
 * Run axe-core on the page as it is now and return the violations of impact serious or critical.
 * axe is evaluated through the DevTools protocol (page.evaluate), which the page's CSP does not
 * govern, so the page keeps its strict policy.
 */
let axeSource = null;
export async function axeSerious(page, context = null) {
    axeSource = axeSource || fs.readFileSync(AXE_PATH, 'utf8');
    const loaded = await page.evaluate(() => typeof window.axe === 'object');
    if (!loaded) await page.evaluate(axeSource);
    const result = await page.evaluate(async (ctx) => {
        const r = await window.axe.run(ctx || document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
    }, context);
    return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Plain JSON call to the server from node (set-up and assertions). */
export async function http(url, method = 'GET', body, headers = {}) {
    const res = await fetch(url, {
        method,
        headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    let data = null;
    try {
        data = await res.json();
    } catch {
        data = null;
    }
    return { status: res.status, headers: res.headers, data };
}

export const SHOTS = process.env.TONGDAI_E2E_SHOTS || path.join(os.tmpdir(), 'tongdai-e2e-shots');
export function shotPath(name) {
    fs.mkdirSync(SHOTS, { recursive: true });
    return path.join(SHOTS, `${name}.png`);
}

/** The message catalogs, for asserting what the page shows without hard-coding texts. */
export const catalogs = {
    vi: JSON.parse(fs.readFileSync(path.join(repoRoot, 'data/i18n/vi.json'), 'utf8')),
    en: JSON.parse(fs.readFileSync(path.join(repoRoot, 'data/i18n/en.json'), 'utf8')),
};
/** A catalog text with its {placeholders} cut out, as a prefix to look for in the page. */
export function textStart(lang, key) {
    return catalogs[lang][key].split('{')[0].trim();
}

/** Wait until the element matching sel is visible and its text includes needle. */
export async function waitText(page, sel, needle, timeout = 10000) {
    await page.waitForFunction(([s, n]) => {
        const el = document.querySelector(s);
        return !!el && el.offsetParent !== null && el.textContent.includes(n);
    }, [sel, needle], { timeout });
    return page.textContent(sel);
}

/** Accounts every browser test creates in its institution. */
export const STAFF = [
    { username: 'counsellor', role: 'counsellor', password: 'correct horse battery 1' },
    { username: 'counsellor2', role: 'counsellor', password: 'correct horse battery 2' },
    { username: 'lead', role: 'lead', password: 'correct horse battery 3' },
];

/** Log in on the console page (already at /console/). */
export async function consoleLogin(page, user) {
    await page.locator('#login-user').waitFor({ state: 'visible' });
    await page.fill('#login-user', user.username);
    await page.fill('#login-pass', user.password);
    await page.click('#login-submit');
    await page.locator('#view-login').waitFor({ state: 'hidden' });
}
