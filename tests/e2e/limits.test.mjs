// Rate limits as people meet them: a wrong access key gets a clear message and, when the
// server's limit bites, the wait from Retry-After; the same for repeated failed log-ins.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupInstitution, launchBrowser, newPage, axeSerious, catalogs, waitText, http, STAFF } from './helpers.mjs';

const vi = catalogs.vi;
let srv;
let browser;
let code;

before(async () => {
    // A low limit on look-ups of one case code, so that the test reaches it quickly.
    srv = await startServer({ TONGDAI_LIMITS_LOOKUP_PER_CODE_PER_MINUTE: '3', TONGDAI_LIMITS_LOGIN_PER_USER_PER_MINUTE: '3' });
    setupInstitution(srv, 'DEMO', 'Trường Cao đẳng Demo', STAFF);
    browser = await launchBrowser();
    const r = await http(`${srv.url}/api/v1/reports`, 'POST', { institution: 'DEMO', text: 'Tai khoan Facebook cua em bi hack roi', channel: 'web' });
    assert.equal(r.status, 201);
    code = r.data.case_code;
});

after(async () => {
    await browser?.close();
    await srv?.stop();
});

test('a wrong key gets a clear message; too many tries explain the wait', async () => {
    const { page, context, problems } = await newPage(browser, { width: 360 });
    await page.goto(`${srv.url}/#follow`);
    await page.locator('#follow-title').waitFor({ state: 'visible' });
    await page.click('#follow-submit');
    await waitText(page, '#follow-error', vi['portal.follow.need_both']);
    await page.fill('#f-code', code.toLowerCase()); // typed in lower case: still found
    await page.fill('#f-key', 'khong-phai-khoa-dung');
    await page.click('#follow-submit');
    await waitText(page, '#follow-error', vi['portal.follow.wrong']);
    assert.ok(await page.locator('#case-box').isHidden());
    assert.deepEqual(await axeSerious(page), [], 'wrong-key message');
    let text = '';
    for (let i = 0; i < 6; i++) {
        await page.click('#follow-submit');
        await page.waitForTimeout(150);
        text = await page.textContent('#follow-error');
        if (!text.includes(vi['portal.follow.wrong'])) break;
    }
    const prefix = vi['portal.follow.rate_limited_wait'].split('{')[0];
    assert.ok(text.startsWith(prefix.slice(0, 30)), `rate-limit message, got: ${text}`);
    assert.match(text, /\d+ (giây|phút)/, 'the wait is stated');
    assert.deepEqual(problems, []);
    await context.close();
});

test('too many failed log-ins: the console says to wait, and for how long', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await page.locator('#login-user').waitFor({ state: 'visible' });
    let text = '';
    for (let i = 0; i < 6; i++) {
        await page.fill('#login-user', 'counsellor');
        await page.fill('#login-pass', `sai mat khau ${i}`);
        await page.click('#login-submit');
        await page.waitForFunction(() => !document.querySelector('#login-submit').disabled);
        text = await page.textContent('#login-error');
        if (text !== vi['console.login.wrong']) break;
    }
    assert.ok(text.startsWith(vi['console.login.rate_limited_wait'].split('{')[0]), `got: ${text}`);
    assert.match(text, /\d+ (giây|phút)/);
    // Even the right password is refused while the limit lasts, with the same explanation.
    await page.fill('#login-pass', STAFF[0].password);
    await page.click('#login-submit');
    await page.waitForFunction(() => !document.querySelector('#login-submit').disabled);
    assert.ok((await page.textContent('#login-error')).startsWith(vi['console.login.rate_limited_wait'].split('{')[0]));
    await context.close();
});
