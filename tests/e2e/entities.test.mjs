// Entities in the case view: a link on the known-bad list is flagged (in the text and in the
// list), and two reports sharing a phone number are linked, each showing the other.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, setupInstitution, launchBrowser, newPage, axeSerious, catalogs, waitText, STAFF, consoleLogin, http } from './helpers.mjs';

const vi = catalogs.vi;
const BAD = 'viec-nhe-luong-cao.example';
let srv;
let browser;
let first;
let second;

before(async () => {
    srv = await startServer({}, (cli, dataDir) => {
        const list = path.join(dataDir, 'blocklist.txt');
        fs.writeFileSync(list, `# test list\n0.0.0.0 ${BAD}\n`);
        const r = cli(['blocklist', 'import', list, '--source', 'e2e', '--data', dataDir]);
        if (r.status !== 0) throw new Error(`blocklist import: ${r.stderr}`);
    });
    setupInstitution(srv, 'DEMO', 'Trường Cao đẳng Demo', STAFF);
    browser = await launchBrowser();
    const a = await http(`${srv.url}/api/v1/reports`, 'POST', {
        institution: 'DEMO',
        text: `Em vào trang https://${BAD}/dang-ky để làm nhiệm vụ, họ bảo chuyển 500k, liên hệ Zalo 0987 111 222.`,
    });
    const b = await http(`${srv.url}/api/v1/reports`, 'POST', {
        institution: 'DEMO',
        text: 'Số 0987111222 gọi cho em tự xưng nhân viên tuyển dụng, đòi em nộp phí.',
    });
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    first = a.data.case_code;
    second = b.data.case_code;
});

after(async () => {
    await browser?.close();
    await srv?.stop();
});

test('a known-bad link is flagged in the text and in the list; shared phone links the cases', async () => {
    const { page, context, problems } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.goto(`${srv.url}/console/#/case/${first}`);
    await page.locator('#case-title').waitFor({ state: 'visible' });
    const bad = page.locator('#entities li.ent-bad');
    assert.ok(await bad.count() >= 1, 'a known-bad entity');
    assert.ok((await bad.first().textContent()).includes(BAD));
    assert.ok((await bad.first().textContent()).includes(vi['console.case.known_bad']));
    const marked = await page.$$eval('.student-text mark.hl-bad', (ms) => ms.map((m) => m.textContent));
    // Signals found inside the link split it into several pieces; together they cover it.
    assert.ok(marked.join('').includes(BAD), `the link is marked in place (${marked})`);
    await waitText(page, '#linked', second);
    assert.deepEqual(await axeSerious(page), []);
    await page.click(`#linked a[href="#/case/${second}"]`);
    await waitText(page, '#case-title', second);
    await waitText(page, '#linked', first);
    assert.deepEqual(problems, []);
    await context.close();
});
