// The student portal in a real browser against a real server: first-load weight, no
// third-party requests, 360 px and 320 px layouts, keyboard-only reporting, institution search
// without diacritics, validation messages, English, quick exit, accessibility.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupInstitution, launchBrowser, newPage, axeSerious, catalogs, waitText, shotPath } from './helpers.mjs';

let srv;
let browser;

before(async () => {
    srv = await startServer();
    setupInstitution(srv, 'DEMO', 'Trường Cao đẳng Demo');
    setupInstitution(srv, 'CDKT', 'Trường Cao đẳng Kỹ thuật Đà Nẵng');
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
    await srv?.stop();
});

test('first load of the portal is under 100 KB of transfer, all from the server itself', async () => {
    const { page, context, problems, requests } = await newPage(browser, { width: 360, height: 740 });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const sizes = new Map();
    cdp.on('Network.loadingFinished', (e) => sizes.set(e.requestId, e.encodedDataLength));
    await page.goto(`${srv.url}/`, { waitUntil: 'networkidle' });
    await page.locator('#report-title').waitFor({ state: 'visible' });
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    console.log(`# portal first load: ${total} bytes in ${sizes.size} responses`);
    assert.ok(sizes.size >= 5, 'the measurement saw the page load');
    assert.ok(total < 100 * 1024, `first load ${total} bytes`);
    const origin = new URL(srv.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'no third-party requests');
    assert.deepEqual(problems, []);
    await context.close();
});

test('360 px wide: no horizontal scroll, the form and the promise are on screen', async () => {
    const { page, context, problems } = await newPage(browser, { width: 360, height: 740 });
    await page.goto(`${srv.url}/`);
    await page.locator('#report-title').waitFor({ state: 'visible' });
    await page.locator('#inst-list option').first().waitFor({ state: 'attached' });
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(sw <= 360, `scrollWidth ${sw}`);
    const png = await page.screenshot({ path: shotPath('portal-360'), fullPage: true });
    // Compared with an empty page of the same width: the portal's screenshot carries far more.
    const blankPage = await context.newPage();
    await blankPage.setContent('<title>blank</title>');
    const empty = await blankPage.screenshot({ fullPage: true });
    await blankPage.close();
    assert.ok(png.length > 10 * empty.length, `screenshot ${png.length} bytes vs empty page ${empty.length}`);
    for (const sel of ['#report-title', '#inst-search', '#report-text', '#promise-title', '#report-submit']) {
        const box = await page.locator(sel).boundingBox();
        assert.ok(box && box.width > 0 && box.x >= 0 && box.x + box.width <= 360, `${sel} inside 360 px`);
    }
    assert.equal(await page.textContent('#promise-title'), catalogs.vi['portal.promise.title']);
    for (const k of ['life', 'authority', 'others', 'child', 'tell_first'])
        assert.ok((await page.textContent('#view-report')).includes(catalogs.vi[`portal.promise.${k}`]), k);
    assert.deepEqual(problems, []);
    await context.close();
});

test('320 CSS px (200% zoom of a 640 px window): still no horizontal scroll', async () => {
    const { page, context } = await newPage(browser, { width: 320, height: 640 });
    await page.goto(`${srv.url}/#follow`);
    await page.locator('#follow-title').waitFor({ state: 'visible' });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320);
    await page.goto(`${srv.url}/#report`);
    await page.locator('#report-title').waitFor({ state: 'visible' });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 320);
    await context.close();
});

test('institution search ignores diacritics and case', async () => {
    const { page, context } = await newPage(browser, { width: 360 });
    await page.goto(`${srv.url}/`);
    await page.locator('#inst-list option').first().waitFor({ state: 'attached' });
    assert.equal(await page.locator('#inst-list option').count(), 2);
    await page.fill('#inst-search', 'KY THUAT da nang');
    assert.equal(await page.locator('#inst-list option').count(), 1);
    assert.equal(await page.inputValue('#inst-list'), 'CDKT');
    await page.fill('#inst-search', 'khong co truong nay');
    assert.equal(await page.locator('#inst-list option').count(), 0);
    await waitText(page, '#inst-count', catalogs.vi['portal.report.institution_none']);
    await context.close();
});

test('a link with ?i=CODE preselects the school', async () => {
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/?i=cdkt`);
    await page.waitForFunction(() => document.querySelector('#inst-list').value === 'CDKT');
    await context.close();
});

test('sending without a school or a text names what is missing', async () => {
    const { page, context } = await newPage(browser, { width: 360 });
    await page.goto(`${srv.url}/`);
    await page.locator('#inst-list option').first().waitFor({ state: 'attached' });
    await page.click('#report-submit');
    await waitText(page, '#err-institution', catalogs.vi['portal.error.institution']);
    assert.equal(await page.getAttribute('#inst-list', 'aria-invalid'), 'true');
    await page.selectOption('#inst-list', 'DEMO');
    await page.click('#report-submit');
    await waitText(page, '#err-text', catalogs.vi['portal.error.text']);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'report-text');
    await context.close();
});

test('a bad e-mail is refused by the server and named under its field', async () => {
    const { page, context } = await newPage(browser, { width: 360 });
    await page.goto(`${srv.url}/`);
    await page.locator('#inst-list option').first().waitFor({ state: 'attached' });
    await page.selectOption('#inst-list', 'DEMO');
    await page.fill('#report-text', 'co nguoi nhan tin doi tien em');
    await page.click('#contact-box summary');
    await page.fill('#c-email', 'khong-phai-email');
    await page.click('#report-submit');
    await waitText(page, '[id="err-contact.email"]', catalogs.vi['portal.error.email']);
    assert.ok(await page.locator('#view-report').isVisible(), 'still on the form, text kept');
    assert.equal(await page.inputValue('#report-text'), 'co nguoi nhan tin doi tien em');
    await context.close();
});

test('a report can be written and sent with the keyboard alone', async () => {
    const { page, context } = await newPage(browser, { width: 360 });
    await page.goto(`${srv.url}/`);
    await page.locator('#inst-list option').first().waitFor({ state: 'attached' });
    await page.locator('#inst-search').focus();
    await page.keyboard.type('demo');
    await page.keyboard.press('ArrowDown'); // into the list
    await page.keyboard.press('Tab'); // to the text
    assert.equal(await page.evaluate(() => document.activeElement.id), 'report-text');
    await page.keyboard.type('Lam sao de biet mot duong link co an toan khong?');
    // Tab on to the submit button, however many controls lie between.
    for (let i = 0; i < 20 && (await page.evaluate(() => document.activeElement.id)) !== 'report-submit'; i++)
        await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'report-submit');
    await page.keyboard.press('Enter');
    await page.locator('#view-result').waitFor({ state: 'visible' });
    assert.match(await page.textContent('#result-code'), /\S{4,}/);
    assert.ok(await page.locator('#emergency').isHidden(), 'a question is not an emergency');
    await context.close();
});

test('English: the switch translates the page, remembers the choice, and Vietnamese comes back', async () => {
    const { page, context } = await newPage(browser, { width: 360 });
    await page.goto(`${srv.url}/`);
    await page.locator('#report-title').waitFor({ state: 'visible' });
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.equal(await page.textContent('#report-title'), catalogs.vi['portal.report.title']);
    await page.click('button[data-lang="en"]');
    await waitText(page, '#report-title', catalogs.en['portal.report.title']);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('#promise-title'), catalogs.en['portal.promise.title']);
    assert.equal(await page.textContent('#inst-count'), catalogs.en['portal.report.institution_count'].replace('{n}', '2'));
    await page.reload();
    await waitText(page, '#report-title', catalogs.en['portal.report.title']);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360);
    await page.click('button[data-lang="vi"]');
    await waitText(page, '#report-title', catalogs.vi['portal.report.title']);
    await context.close();
});

test('quick exit leaves the page at once, with nothing to go back to', async () => {
    const { page, context } = await newPage(browser, { width: 360 });
    await page.goto(`${srv.url}/`);
    await page.locator('#report-title').waitFor({ state: 'visible' });
    await page.fill('#report-text', 'bi mat');
    await page.click('#quick-exit');
    await page.waitForURL('about:blank');
    assert.equal(page.url(), 'about:blank');
    await context.close();
});

test('accessibility: the report and follow screens have no serious or critical axe violations', async () => {
    const { page, context, problems } = await newPage(browser, { width: 1024 });
    await page.goto(`${srv.url}/`);
    await page.locator('#inst-list option').first().waitFor({ state: 'attached' });
    await page.click('#contact-box summary');
    assert.deepEqual(await axeSerious(page), [], 'report screen');
    await page.click('#tab-follow');
    await page.locator('#follow-title').waitFor({ state: 'visible' });
    assert.deepEqual(await axeSerious(page), [], 'follow screen');
    await page.click('button[data-lang="en"]');
    await waitText(page, '#follow-title', catalogs.en['portal.follow.title']);
    assert.deepEqual(await axeSerious(page), [], 'follow screen, English');
    assert.deepEqual(problems, []);
    await context.close();
});

test('times are shown in Asia/Ho_Chi_Minh, day/month/year, whatever the computer\'s zone', async () => {
    // The browser context runs in Europe/London (see newPage); Vietnam is UTC+7 all year.
    const { page, context } = await newPage(browser);
    await page.goto(`${srv.url}/`);
    await page.locator('#report-title').waitFor({ state: 'visible' });
    const shown = await page.evaluate(async () => {
        const m = await import('/lib/time.js');
        return [m.formatDateTime('2026-12-03T17:38:07.123Z'), m.formatTime('2026-06-30T23:05:00Z'),
            new Date('2026-12-03T17:38:07Z').toLocaleString()];
    });
    assert.equal(shown[0], '00:38 04/12/2026');
    assert.equal(shown[1], '06:05');
    assert.ok(!shown[2].startsWith('00:38'), 'the browser itself is not in Vietnam time');
    await context.close();
});
