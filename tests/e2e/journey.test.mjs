// The main journey, end to end in two browsers against one real server:
// a student reports a critical case without diacritics -> a logged-in counsellor sees it at the
// top of the queue with the banner -> replies (and writes an internal note) -> the student reads
// the reply with the code and key (not the note) -> the counsellor resolves it -> the student
// writes again and the case reopens. axe runs on every screen on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, setupInstitution, launchBrowser, newPage, axeSerious, catalogs, waitText, shotPath, STAFF, consoleLogin } from './helpers.mjs';

const vi = catalogs.vi;
const REPORT = 'em khong muon song nua, toi nay em se nhay cau';
const REPLY = 'Chào em, cô là tư vấn viên của trường. Em đang ở đâu? Cô gọi cho em ngay nhé.';
const NOTE = 'Đã báo trưởng nhóm, chuẩn bị gọi 115.';

let srv;
let browser;
let student;
let staff;
let code;
let key;

before(async () => {
    srv = await startServer();
    setupInstitution(srv, 'DEMO', 'Trường Cao đẳng Demo', STAFF);
    browser = await launchBrowser();
    student = await newPage(browser, { width: 360, height: 760 });
    staff = await newPage(browser, { width: 1280, height: 900 });
});

after(async () => {
    await browser?.close();
    await srv?.stop();
});

test('the counsellor logs in and sees the queue', async () => {
    const { page } = staff;
    await page.goto(`${srv.url}/console/`);
    await page.locator('#login-title').waitFor({ state: 'visible' });
    assert.deepEqual(await axeSerious(page), [], 'login screen');
    await page.screenshot({ path: shotPath('console-login') });
    await consoleLogin(page, STAFF[0]);
    await page.locator('#queue-title').waitFor({ state: 'visible' });
    await waitText(page, '#whoami', 'counsellor');
    assert.ok(await page.locator('#alert-banner').isHidden());
});

test('the student reports a critical case without diacritics and sees emergency numbers first', async () => {
    const { page } = student;
    await page.goto(`${srv.url}/`);
    await page.locator('#inst-list option').first().waitFor({ state: 'attached' });
    await page.fill('#inst-search', 'cao dang demo');
    assert.equal(await page.inputValue('#inst-list'), 'DEMO');
    await page.fill('#report-text', REPORT);
    await page.click('#report-submit');
    await page.locator('#view-result').waitFor({ state: 'visible' });

    // Emergency block visible, before the code and key, with the three numbers as tel: links.
    assert.ok(await page.locator('#emergency').isVisible(), 'emergency block shown for a critical case');
    assert.equal(await page.textContent('.emergency-15'), vi['portal.result.within_15']);
    const order = await page.evaluate(() => {
        const e = document.querySelector('#emergency').getBoundingClientRect().top;
        const c = document.querySelector('#result-code').getBoundingClientRect().top;
        return e < c;
    });
    assert.ok(order, 'emergency numbers come first');
    const tels = await page.$$eval('#emergency-list a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(tels, ['tel:113', 'tel:115', 'tel:111']);

    code = (await page.textContent('#result-code')).trim();
    key = (await page.textContent('#result-key')).trim();
    assert.match(code, /^[0-9A-Z]{6,12}$/);
    assert.ok(key.length >= 16, 'access key of at least 80 bits');
    assert.ok(await page.locator('#advice-list li').count() > 0, 'advice for the category');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360);
    await page.screenshot({ path: shotPath('portal-result-critical'), fullPage: true });
    assert.deepEqual(await axeSerious(page), [], 'result screen');

    // The copy button puts code and key on the clipboard (or says it could not).
    await student.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.click('#copy-btn');
    await waitText(page, '#copy-status', vi['portal.result.copied']);
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    assert.ok(clip.includes(code) && clip.includes(key));
});

test('the counsellor gets the banner without reloading, and the case is at the top', async () => {
    const { page } = staff;
    await waitText(page, '#alert-list', code, 15000);
    assert.ok(await page.locator('#alert-banner').isVisible());
    assert.equal(await page.textContent('.alert-title'), vi['console.alert.title']);
    await page.waitForFunction((c) => document.querySelector('#queue-body tr')?.dataset.code === c, code, { timeout: 15000 });
    const first = page.locator('#queue-body tr').first();
    assert.equal((await first.locator('.badge').textContent()).trim(), vi['urgency.critical']);
    assert.ok(await first.locator('.badge.u-critical').count(), 'urgency has colour and label');
    assert.equal((await first.locator('td').nth(2).textContent()).trim(), vi['category.self_harm']);
    const due = (await first.locator('.due').textContent()).trim();
    assert.ok(due.startsWith(vi['console.due.left'].split('{')[0].trim()), `countdown "${due}"`);
    // The countdown is live: it changes within two seconds without a reload.
    await page.waitForFunction((before) => document.querySelector('#queue-body tr .due').textContent.trim() !== before, due, { timeout: 3000 });
    await page.screenshot({ path: shotPath('console-queue-banner') });
    assert.deepEqual(await axeSerious(page), [], 'queue with banner');
});

test('the counsellor opens the case: signals highlighted in the text, reasons listed', async () => {
    const { page } = staff;
    await page.click(`#alert-list a[href="#/case/${code}"]`);
    await page.locator('#case-title').waitFor({ state: 'visible' });
    assert.ok(await page.locator('#alert-banner').isHidden(), 'opening the case acknowledges the banner');
    assert.equal((await page.textContent('.student-text')).trim(), REPORT);
    const marks = await page.$$eval('.student-text mark.hl-sig', (ms) => ms.map((m) => m.textContent));
    assert.ok(marks.length > 0, 'at least one signal highlighted');
    for (const m of marks) assert.ok(REPORT.includes(m), `highlight "${m}" is a piece of the text`);
    assert.ok(await page.locator('#reasons li').count() > 0, 'reasons for the urgency');
    assert.equal((await page.textContent('#case-urgency')).trim(), vi['urgency.critical']);
    assert.deepEqual(await axeSerious(page), [], 'case view');
});

test('the counsellor takes the case, writes an internal note and replies', async () => {
    const { page } = staff;
    await page.click('#assign-me');
    await waitText(page, '#case-msg', vi['console.case.assigned'].split('{')[0].trim());
    await waitText(page, '#case-assignee', 'counsellor');

    await page.fill('#reply-text', NOTE);
    await page.click('#reply-internal');
    await waitText(page, '#case-msg', vi['console.case.note_saved']);
    await page.fill('#reply-text', REPLY);
    await page.click('#reply-public');
    await waitText(page, '#case-msg', vi['console.case.reply_sent']);

    const note = page.locator('.tl-internal', { hasText: NOTE });
    assert.equal(await note.count(), 1, 'the note is in the timeline');
    assert.ok((await note.textContent()).includes(vi['console.case.internal']), 'marked internal');
    const reply = page.locator('.tl-staff:not(.tl-internal)', { hasText: REPLY });
    assert.equal(await reply.count(), 1, 'the reply is in the timeline, not marked internal');
    await waitText(page, '#view-case .due', vi['console.due.answered']);
    await page.screenshot({ path: shotPath('console-case'), fullPage: true });
});

test('the student reads the reply with code and key, and never sees the internal note', async () => {
    const { page } = student;
    await page.click('#result-follow');
    await page.locator('#follow-title').waitFor({ state: 'visible' });
    assert.equal(await page.inputValue('#f-code'), code);
    await page.click('#follow-submit');
    await page.locator('#case-box').waitFor({ state: 'visible' });
    await waitText(page, '#case-messages', REPLY);
    assert.ok(!(await page.textContent('#case-messages')).includes(NOTE), 'internal note not shown');
    assert.ok((await page.textContent('#case-messages')).includes(REPORT), 'the student\'s own report is the first message');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 360);
    await page.screenshot({ path: shotPath('portal-follow'), fullPage: true });
    assert.deepEqual(await axeSerious(page), [], 'follow screen with messages');
});

test('the counsellor resolves the case, offered only allowed transitions', async () => {
    const { page } = staff;
    const offered = await page.$$eval('#transitions button', (bs) => bs.map((b) => b.dataset.to));
    assert.ok(offered.includes('resolved'), `resolved offered (${offered})`);
    assert.ok(!offered.includes('new'), 'no way back to new');
    await page.click('#transitions button[data-to="resolved"]');
    await waitText(page, '#case-status', vi['status.resolved']);
});

test('the student sees it resolved, writes again, and the case reopens', async () => {
    const { page } = student;
    await page.click('#refresh-btn');
    await waitText(page, '#case-status', vi['portal.status.resolved']);
    await page.fill('#write-text', 'em van con so, co oi');
    await page.click('#write-submit');
    await waitText(page, '#case-messages', 'em van con so, co oi');
    await waitText(page, '#case-status', vi['portal.status.open']);

    const { page: cp } = staff;
    await cp.reload();
    await cp.locator('#case-title').waitFor({ state: 'visible' });
    await waitText(cp, '#case-status', vi['status.open']);
    assert.deepEqual(staff.problems, []);
    assert.deepEqual(student.problems, []);
});
