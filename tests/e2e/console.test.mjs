// The counsellor console beyond the main journey: login errors, session expiry, CSRF refusal,
// the blank screen, logging a phone call, search without diacritics, reclassifying with a
// reason, contact details (lead or assignee, read recorded), English, accessibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupInstitution, launchBrowser, newPage, axeSerious, catalogs, waitText, shotPath, STAFF, consoleLogin, http } from './helpers.mjs';

const vi = catalogs.vi;
const en = catalogs.en;
const OTHERS = [
    { username: 'city', role: 'city', password: 'correct horse battery 4' },
    { username: 'admin', role: 'admin', password: 'correct horse battery 5' },
];
let srv;
let browser;
let scamCode;
let contactCode;

async function report(body) {
    const r = await http(`${srv.url}/api/v1/reports`, 'POST', { institution: 'DEMO', channel: 'web', ...body });
    assert.equal(r.status, 201, JSON.stringify(r.data));
    return r.data;
}

before(async () => {
    // Every test here logs in afresh from 127.0.0.1 (like a school's staff behind one address):
    // more than the default 10 log-ins a minute. limits.test.mjs checks the limit itself.
    srv = await startServer({ TONGDAI_LIMITS_LOGIN_PER_MINUTE: '300', TONGDAI_LIMITS_LOGIN_PER_USER_PER_MINUTE: '300' });
    setupInstitution(srv, 'DEMO', 'Trường Cao đẳng Demo', [...STAFF, ...OTHERS]);
    browser = await launchBrowser();
    scamCode = (await report({ text: 'Em bị lừa đảo chuyển 2 triệu đồng cho trang việc nhẹ lương cao, số tài khoản 0123456789 ngân hàng ACB.' })).case_code;
    contactCode = (await report({
        text: 'Có người quấy rối em trên Facebook, nhắn tin chửi bới mỗi ngày.',
        contact: { name: 'Ngọc Anh', phone: '0912345678', email: 'ngocanh@example.com' },
        consent_contact: true,
    })).case_code;
});

after(async () => {
    await browser?.close();
    await srv?.stop();
});

test('login errors a person understands: wrong password, missing field', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await page.locator('#login-user').waitFor({ state: 'visible' });
    await page.click('#login-submit');
    await waitText(page, '#login-error', vi['console.login.missing']);
    await page.fill('#login-user', 'counsellor');
    await page.fill('#login-pass', 'not the password');
    await page.click('#login-submit');
    await waitText(page, '#login-error', vi['console.login.wrong']);
    assert.equal(await page.inputValue('#login-pass'), 'not the password', 'the password field keeps focus for retyping');
    assert.deepEqual(await axeSerious(page), [], 'login with error');
    await context.close();
});

test('session expiry returns to the login with a message, and back to the same page after login', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.goto(`${srv.url}/console/#/case/${scamCode}`);
    await page.locator('#case-title').waitFor({ state: 'visible' });
    // The session ends on the server's side: the cookie is gone (as when it times out).
    await context.clearCookies();
    await waitText(page, '#login-info', vi['console.login.expired'], 15000); // the next poll sees 401
    assert.ok(await page.locator('#view-case').isHidden());
    assert.ok(await page.locator('#logout-btn').isHidden());
    await consoleLogin(page, STAFF[0]);
    await waitText(page, '#case-title', scamCode);
    await context.close();
});

test('a state change without the CSRF token is refused; the console sends it', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    const path = `/api/v1/cases/${scamCode}`;
    const without = await page.evaluate(async (p) => {
        const r = await fetch(p, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ assignee: 'counsellor' }) });
        return { status: r.status, body: await r.json() };
    }, path);
    assert.equal(without.status, 403);
    assert.equal(without.body.error.code, 'csrf');
    const wrong = await page.evaluate(async (p) => {
        const r = await fetch(p, { method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'forged' }, body: JSON.stringify({ assignee: 'counsellor' }) });
        return r.status;
    }, path);
    assert.equal(wrong, 403);
    // Nothing changed; the console's own button (which sends the token) works.
    await page.goto(`${srv.url}/console/#/case/${scamCode}`);
    await waitText(page, '#case-assignee', vi['console.assignee.none']);
    await page.click('#assign-me');
    await waitText(page, '#case-assignee', 'counsellor');
    await context.close();
});

test('blank screen: Esc twice hides everything at once; the button too; "show again" restores', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.goto(`${srv.url}/console/#/case/${scamCode}`);
    await page.locator('#case-title').waitFor({ state: 'visible' });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#app').isHidden(), 'the console is hidden');
    assert.ok(await page.locator('#blank').isVisible());
    const visibleText = await page.evaluate(() => document.body.innerText.trim());
    assert.equal(visibleText, vi['console.blank.restore'], 'only the restore button remains');
    assert.ok(!(await page.title()).includes(scamCode), 'the tab title gives nothing away');
    await page.screenshot({ path: shotPath('console-blank') });
    await page.click('#unblank');
    assert.ok(await page.locator('#case-title').isVisible());
    await page.click('#blank-btn');
    assert.ok(await page.locator('#app').isHidden());
    await page.click('#unblank');
    // A single Esc does nothing.
    await page.keyboard.press('Escape');
    await page.waitForTimeout(900);
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('#app').isVisible());
    await context.close();
});

test('search without diacritics finds a report written with them', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.locator('#queue-body tr').first().waitFor();
    await page.fill('#f-q', 'viec nhe luong cao');
    await page.waitForFunction((c) => {
        const rows = [...document.querySelectorAll('#queue-body tr')];
        return rows.length === 1 && rows[0].dataset.code === c;
    }, scamCode, { timeout: 5000 });
    await page.fill('#f-q', 'khong co chu nay o dau');
    await page.locator('#queue-empty').waitFor({ state: 'visible' });
    await page.fill('#f-q', '');
    await page.selectOption('#f-category', 'cyberbullying');
    await page.waitForFunction((c) => [...document.querySelectorAll('#queue-body tr')].every((r) => r.dataset.code === c)
        && document.querySelectorAll('#queue-body tr').length >= 1, contactCode, { timeout: 5000 });
    await context.close();
});

test('log a phone call as a case in one form', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.click('#nav-call');
    await page.locator('#call-title').waitFor({ state: 'visible' });
    assert.deepEqual(await axeSerious(page), [], 'call form');
    await page.click('#call-submit');
    await waitText(page, '[id="call-err-text"]', vi['console.call.text_needed']);
    await page.fill('#call-text', 'Có người gọi xưng là công an, bảo em phải thuê phòng khách sạn và tắt máy, không được nói với ai.');
    await page.fill('#call-phone', '0987654321');
    await page.check('#call-consent');
    await page.click('#call-submit');
    await page.locator('#case-title').waitFor({ state: 'visible' });
    await waitText(page, '.facts-row', vi['channel.phone']);
    // The caller's code and key are shown once, to be read out; with them the caller follows
    // the case on the portal like any reporter.
    const code = (await page.textContent('#call-code')).trim();
    const key = (await page.textContent('#call-key')).trim();
    assert.ok((await page.textContent('#case-title')).includes(code));
    const follow = await http(`${srv.url}/api/v1/reports/${code}`, 'GET', undefined, { 'X-Access-Key': key });
    assert.equal(follow.status, 200);
    await page.click('#call-secret-done');
    assert.equal(await page.locator('#call-secret').count(), 0);
    await page.reload();
    await page.locator('#case-title').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#call-key').count(), 0, 'the key is not shown again');
    await context.close();
});

test('changing urgency needs a reason, and the reason shows in the timeline', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.goto(`${srv.url}/console/#/case/${contactCode}`);
    await page.locator('#case-title').waitFor({ state: 'visible' });
    await page.click('#reclass summary');
    const now = await page.inputValue('#rc-urgency');
    const other = now === 'high' ? 'medium' : 'high';
    await page.click('#rc-submit');
    await waitText(page, '#rc-error', vi['console.case.reclass_same']);
    await page.selectOption('#rc-urgency', other);
    await page.click('#rc-submit');
    await waitText(page, '#rc-error', vi['console.case.reclass_reason_needed']);
    await page.fill('#rc-reason', 'Kẻ quấy rối biết địa chỉ nhà em');
    await page.click('#rc-submit');
    await waitText(page, '#case-msg', vi['console.case.reclassed']);
    await waitText(page, '#case-urgency', vi[`urgency.${other}`]);
    await waitText(page, '.timeline', 'Kẻ quấy rối biết địa chỉ nhà em');

    // Assign to a colleague by username; an unknown name is refused with the field named.
    await page.fill('#assign-to', 'khong-co-ai');
    await page.click('#assign-to ~ button');
    await waitText(page, '#case-msg', vi['console.field.assignee']);
    await page.fill('#assign-to', 'lead');
    await page.click('#assign-to ~ button');
    await waitText(page, '#case-assignee', 'lead');
    await waitText(page, '.timeline', vi['event.assignee']);
    await context.close();
});

test('contact details: hidden from a counsellor who is not assigned; the lead sees them after a warning', async () => {
    const c = await newPage(browser);
    await c.page.goto(`${srv.url}/console/`);
    await consoleLogin(c.page, STAFF[1]); // counsellor2, not assigned
    await c.page.goto(`${srv.url}/console/#/case/${contactCode}`);
    await waitText(c.page, '#contact-denied', vi['console.case.contact_who']);
    assert.equal(await c.page.locator('#contact-show').count(), 0);
    await c.context.close();

    const l = await newPage(browser);
    await l.page.goto(`${srv.url}/console/`);
    await consoleLogin(l.page, STAFF[2]); // lead
    await l.page.goto(`${srv.url}/console/#/case/${contactCode}`);
    await l.page.locator('#contact-show').waitFor({ state: 'visible' });
    await l.page.click('#contact-show');
    await waitText(l.page, '#contact-confirm', vi['console.case.contact_warn']);
    assert.ok(!(await l.page.textContent('#view-case')).includes('912345678'), 'nothing shown before confirming');
    await l.page.click('#contact-go');
    await waitText(l.page, '#contact-details', '912345678'); // the server keeps phones canonical (+84…)
    assert.ok((await l.page.textContent('#contact-details')).includes('Ngọc Anh'));
    assert.ok((await l.page.textContent('#view-case')).includes(vi['console.case.contact_logged']));
    await l.context.close();
});

test('English console: labels, categories and the server\'s own messages', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await page.locator('#login-title').waitFor({ state: 'visible' });
    await page.click('button[data-lang="en"]');
    await waitText(page, '#login-title', en['console.login.title']);
    await page.fill('#login-user', 'counsellor');
    await page.fill('#login-pass', 'wrong');
    await page.click('#login-submit');
    await waitText(page, '#login-error', en['console.login.wrong']);
    await consoleLogin(page, STAFF[0]);
    await waitText(page, '#queue-title', en['console.queue.title']);
    await waitText(page, '#queue-body', en['category.scam']);
    assert.equal(await page.textContent('th:first-child'), en['console.col.urgency']);
    await page.goto(`${srv.url}/console/#/case/${scamCode}`);
    await waitText(page, '#case-title', `Case ${scamCode}`);
    await page.screenshot({ path: shotPath('console-case-en'), fullPage: true });
    assert.deepEqual(await axeSerious(page), [], 'case view in English');
    await context.close();
});

test('a city officer reads cases without the counsellor\'s actions; an administrator sees no case content', async () => {
    const c = await newPage(browser);
    await c.page.goto(`${srv.url}/console/`);
    await consoleLogin(c.page, OTHERS[0]);
    await c.page.locator('#queue-body tr').first().waitFor();
    assert.ok(await c.page.locator('#nav-call').isHidden(), 'no phone-call form for the city');
    await c.page.goto(`${srv.url}/console/#/case/${contactCode}`);
    await c.page.locator('#case-title').waitFor({ state: 'visible' });
    assert.ok((await c.page.textContent('.student-text')).length > 0, 'the text is readable');
    for (const sel of ['#reply-form', '#transitions', '#assign-me', '#reclass', '#contact-show'])
        assert.equal(await c.page.locator(sel).count(), 0, `${sel} not offered to the city`);
    await c.context.close();

    const a = await newPage(browser);
    await a.page.goto(`${srv.url}/console/`);
    await consoleLogin(a.page, OTHERS[1]);
    await waitText(a.page, '#queue-error', vi['console.admin_no_cases']);
    assert.equal(await a.page.locator('#queue-body tr').count(), 0);
    await a.context.close();
});

test('with "sound alerts" on, a new critical case plays a tone as well as raising the banner', async () => {
    const { page, context } = await newPage(browser);
    // Count the tones the page starts (the audio itself cannot be heard in a headless browser).
    await page.addInitScript(() => {
        window.__tones = 0;
        const orig = AudioContext.prototype.createOscillator;
        AudioContext.prototype.createOscillator = function () {
            window.__tones++;
            return orig.call(this);
        };
    });
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.locator('#queue-title').waitFor({ state: 'visible' });
    await page.click('#sound-btn');
    assert.equal(await page.getAttribute('#sound-btn', 'aria-pressed'), 'true');
    await page.waitForTimeout(5500); // let one poll pass so that the report below is new
    const r = await report({ text: 'Em không muốn sống nữa, tối nay em sẽ nhảy cầu.' });
    assert.equal(r.urgency, 'critical'); // self-harm is always critical (taxonomy)
    await waitText(page, '#alert-list', r.case_code, 15000);
    assert.ok(await page.evaluate(() => window.__tones) > 0, 'a tone was played');
    await context.close();
});

test('log out ends the session on the server, not only on the page', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.locator('#queue-title').waitFor({ state: 'visible' });
    await page.click('#logout-btn');
    await waitText(page, '#login-info', vi['console.login.logged_out']);
    const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    assert.equal(status, 401);
    await page.reload();
    await page.locator('#login-title').waitFor({ state: 'visible' });
    await context.close();
});
