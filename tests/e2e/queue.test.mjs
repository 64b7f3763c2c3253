// The queue with many cases imported through the command line: risk order (critical first),
// overdue cases in red with "overdue", "show more" pages through next_cursor, filters by
// urgency and assignee.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, setupInstitution, launchBrowser, newPage, catalogs, waitText, STAFF, consoleLogin, shotPath } from './helpers.mjs';

const vi = catalogs.vi;
const RANK = { critical: 0, high: 1, medium: 2, low: 3 };
let srv;
let browser;

before(async () => {
    srv = await startServer();
    setupInstitution(srv, 'DEMO', 'Trường Cao đẳng Demo', STAFF);
    const hourAgo = new Date(Date.now() - 3600 * 1000).toISOString();
    const lines = [];
    for (let i = 0; i < 55; i++)
        lines.push({ text: `Cho em hỏi cách bật xác thực hai lớp cho Facebook, lần ${i + 1}.`, channel: 'web' });
    // Received an hour ago: far past the 15-minute target of a critical case, so overdue.
    lines.push({ text: 'Em không muốn sống nữa, tối nay em sẽ uống hết chỗ thuốc ngủ này.', channel: 'phone', received_at: hourAgo });
    lines.push({ text: 'Em bị lừa chuyển 3 triệu cho trang làm nhiệm vụ, họ còn bắt nộp thêm tiền.', channel: 'chat' });
    const file = path.join(srv.dataDir, 'import.jsonl');
    fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const r = srv.cli(['import', file, '--institution', 'DEMO']);
    assert.equal(r.status, 0, r.stderr);
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
    await srv?.stop();
});

test('risk order, an overdue critical case in red, and "show more" for the next page', async () => {
    const { page, context, problems } = await newPage(browser);
    await page.goto(`${srv.url}/console/`);
    await consoleLogin(page, STAFF[0]);
    await page.locator('#queue-body tr').first().waitFor();
    const first = page.locator('#queue-body tr').first();
    assert.ok(await first.locator('.badge.u-critical').count(), 'a critical case first');
    const due = first.locator('.due');
    assert.ok(await due.evaluate((el) => el.classList.contains('due-overdue')), 'overdue is marked');
    assert.ok((await due.textContent()).startsWith(vi['console.due.overdue'].split('{')[0].trim()));
    assert.equal(await due.evaluate((el) => getComputedStyle(el).backgroundColor), 'rgb(179, 0, 27)', 'overdue is red');

    const n1 = await page.locator('#queue-body tr').count();
    assert.equal(n1, 50, 'first page: the server\'s default limit');
    assert.ok(await page.locator('#queue-more').isVisible());
    await page.click('#queue-more');
    await page.waitForFunction(() => document.querySelectorAll('#queue-body tr').length === 57);
    assert.ok(await page.locator('#queue-more').isHidden(), 'no more pages');
    const ranks = await page.$$eval('#queue-body tr', (rows) => rows.map((r) => r.className.match(/u-row-(\w+)/)[1]));
    for (let i = 1; i < ranks.length; i++) assert.ok(RANK[ranks[i - 1]] <= RANK[ranks[i]], `row ${i}: ${ranks[i - 1]} before ${ranks[i]}`);
    await page.screenshot({ path: shotPath('console-queue-long') });

    await page.selectOption('#f-urgency', 'critical');
    await page.waitForFunction(() => document.querySelectorAll('#queue-body tr').length === 1);
    await page.selectOption('#f-urgency', '');
    await page.selectOption('#f-assignee', 'me');
    await page.locator('#queue-empty').waitFor({ state: 'visible' });
    assert.deepEqual(problems, []);
    await context.close();
});
