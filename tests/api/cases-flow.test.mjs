// Cases end to end (issue 4): report -> queue order -> claim -> reply -> student reads the reply
// -> resolve -> student writes again -> reopened; phone calls logged by staff; contact details
// and who may unseal them; sessions; linked cases.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { caseWorld } from './cases-helpers.mjs';

const CRITICAL_TEXT =
  'Em không muốn sống nữa. Clip của em bị phát tán, tối nay em sẽ uống hết thuốc ngủ.';
const LOW_TEXT = 'Cho em hỏi làm sao để bật xác thực hai lớp cho Facebook ạ?';

describe('case flow', () => {
  let w;
  let a1;
  before(async () => {
    w = await caseWorld();
    a1 = await w.login('a1');
  });
  after(async () => {
    await w.stop();
  });

  test('GET /api/v1/institutions lists codes and names to anyone', async () => {
    const r = await w.srv.fetch('/api/v1/institutions');
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), {
      items: [
        { code: 'A', name: 'Trường Cao đẳng A' },
        { code: 'B', name: 'Trường Trung cấp B' },
      ],
    });
  });

  test('the whole path: report, queue, claim, reply, student reads, resolve, reopen', async () => {
    // Two reports: the low one first, so arrival order is not queue order.
    const low = await w.report({ institution: 'A', text: LOW_TEXT });
    const crit = await w.report({ institution: 'A', text: CRITICAL_TEXT, channel: 'chat' });
    assert.match(crit.case_code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
    assert.match(crit.access_key, /^([0-9A-HJKMNP-TV-Z]{5}-){3}[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.equal(crit.urgency, 'critical');
    assert.equal(crit.category, 'self_harm');
    assert.equal(crit.status, 'new');
    assert.deepEqual(crit.emergency.map((e) => e.number), ['113', '115', '111']);
    assert.ok(crit.emergency.every((e) => e.label.length > 0));
    assert.ok(crit.advice.length >= 1);
    assert.equal(Date.parse(crit.due_at) - Date.parse(crit.opened_at), 15 * 60 * 1000);
    assert.notEqual(low.urgency, 'critical');
    assert.deepEqual(low.emergency, []);

    // Queue: critical first although it came second.
    const q = await a1.json('/api/v1/cases');
    assert.equal(q.status, 200);
    const codes = q.body.items.map((i) => i.code);
    assert.ok(codes.indexOf(crit.case_code) < codes.indexOf(low.case_code));
    assert.equal(q.body.items[0].urgency, 'critical');
    const item = q.body.items.find((i) => i.code === crit.case_code);
    assert.equal(item.status, 'new');
    assert.equal(item.assignee, null);
    assert.equal(item.overdue, false);
    assert.equal(item.channel, 'chat');
    assert.ok(CRITICAL_TEXT.startsWith(item.excerpt.slice(0, 20)));
    assert.ok(q.body.now);

    // Claim: the case opens and is assigned.
    let r = await a1.json(`/api/v1/cases/${crit.case_code}`, { method: 'PATCH', body: { assignee: 'me' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'open');
    assert.equal(r.body.assignee, 'a1');

    // Internal note then public reply; the reply sets the first response.
    r = await a1.json(`/api/v1/cases/${crit.case_code}/messages`, {
      method: 'POST',
      body: { body: 'Ghi chú: gọi lại trong 10 phút', internal: true },
    });
    assert.equal(r.status, 201);
    r = await a1.json(`/api/v1/cases/${crit.case_code}`);
    assert.equal(r.body.first_response_at, null);
    r = await a1.json(`/api/v1/cases/${crit.case_code}/messages`, {
      method: 'POST',
      body: { body: 'Chào em, cô là tư vấn viên. Em đang ở đâu?', internal: false },
    });
    assert.equal(r.status, 201);
    assert.ok(r.body.id > 0 && r.body.at);
    const view = await a1.json(`/api/v1/cases/${crit.case_code}`);
    assert.equal(view.body.first_response_at, r.body.at);
    assert.equal(view.body.messages.length, 3);
    assert.equal(view.body.messages[1].internal, true);
    assert.ok(view.body.signals.length > 0);
    assert.ok(view.body.signals.every((s) => typeof s.start === 'number' && s.end > s.start));

    // The student reads the reply (public messages only) with code and key.
    let s = await w.student(crit.case_code, crit.access_key);
    assert.equal(s.status, 200);
    let sb = await s.json();
    assert.equal(sb.case_code, crit.case_code);
    assert.equal(sb.status, 'open');
    assert.deepEqual(sb.messages.map((m) => m.author), ['student', 'staff']);
    assert.equal(sb.messages[0].body, CRITICAL_TEXT);
    assert.match(sb.messages[1].body, /tư vấn viên/);
    assert.ok(!JSON.stringify(sb).includes('Ghi chú'));
    // Lower-case code and key typed by hand still work.
    s = await w.student(crit.case_code.toLowerCase(), crit.access_key.toLowerCase());
    assert.equal(s.status, 200);
    await s.arrayBuffer();

    // Resolve, then the student writes again: reopened.
    r = await a1.json(`/api/v1/cases/${crit.case_code}`, { method: 'PATCH', body: { status: 'resolved' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'resolved');
    assert.ok(r.body.resolved_at);
    s = await w.student(crit.case_code, crit.access_key, {
      method: 'POST',
      suffix: '/messages',
      body: JSON.stringify({ text: 'Em lại bị đe doạ tối nay' }),
    });
    assert.equal(s.status, 201);
    sb = await s.json();
    assert.equal(sb.status, 'open');
    r = await a1.json(`/api/v1/cases/${crit.case_code}`);
    assert.equal(r.body.status, 'open');
    assert.equal(r.body.resolved_at, null);
    const last = r.body.events.at(-1);
    assert.deepEqual([last.kind, last.from, last.to, last.actor], ['status', 'resolved', 'open', 'student']);
    assert.deepEqual(
      r.body.events.map((e) => e.kind),
      ['created', 'assignee', 'status', 'status', 'status'],
    );
    assert.deepEqual(r.body.allowed_transitions, ['waiting', 'referred', 'resolved']);

    // Close needs resolved first; a closed case reopens too.
    r = await a1.json(`/api/v1/cases/${crit.case_code}`, { method: 'PATCH', body: { status: 'resolved' } });
    r = await a1.json(`/api/v1/cases/${crit.case_code}`, { method: 'PATCH', body: { status: 'closed' } });
    assert.equal(r.body.status, 'closed');
    assert.ok(r.body.closed_at);
    const closedQueue = await a1.json('/api/v1/cases');
    assert.ok(!closedQueue.body.items.some((i) => i.code === crit.case_code), 'closed is hidden by default');
    const withClosed = await a1.json('/api/v1/cases?status=closed');
    assert.deepEqual(withClosed.body.items.map((i) => i.code), [crit.case_code]);
    s = await w.student(crit.case_code, crit.access_key, {
      method: 'POST',
      suffix: '/messages',
      body: JSON.stringify({ text: 'Em cần nói chuyện thêm' }),
    });
    assert.equal((await s.json()).status, 'open');
  });

  test('wrong code or key is 404 for the student', async () => {
    const rep = await w.report({ institution: 'A', text: 'Em bị lừa mất 2 triệu' });
    const other = await w.report({ institution: 'B', text: 'Em bị bắt nạt' });
    for (const [code, key] of [
      [rep.case_code, other.access_key],
      [other.case_code, rep.access_key],
      [rep.case_code, 'AAAAA-AAAAA-AAAAA-AAAAA'],
      [rep.case_code, ''],
      ['ZZZZZZZZ', rep.access_key],
      ['not-a-code', rep.access_key],
    ]) {
      const s = await w.student(code, key);
      assert.equal(s.status, 404, `${code} ${key}`);
      assert.equal((await s.json()).error.code, 'not_found');
    }
    const s = await w.srv.fetch(`/api/v1/reports/${rep.case_code}`);
    assert.equal(s.status, 404);
    await s.arrayBuffer();
  });

  test('a phone call logged by a counsellor: channel phone, own institution, code and key', async () => {
    const r = await a1.json('/api/v1/cases', {
      method: 'POST',
      body: { text: 'Sinh viên gọi điện: bị app vay tiền đòi nợ, gọi cho cả bố mẹ', contact: { phone: '0388 555 012' } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.channel, 'phone');
    assert.equal(r.body.institution, 'A');
    assert.equal(r.body.has_contact, true);
    assert.equal(r.body.messages[0].author, 'staff');
    assert.match(r.body.access_key, /^([0-9A-Z]{5}-){3}[0-9A-Z]{5}$/);
    // The caller can follow it with the code and key read to them.
    const s = await w.student(r.body.code, r.body.access_key);
    assert.equal(s.status, 200);
    await s.arrayBuffer();
    // Another institution is refused.
    const other = await a1.json('/api/v1/cases', { method: 'POST', body: { text: 'x', institution: 'B' } });
    assert.equal(other.status, 422);
    assert.equal(other.body.error.field, 'institution');
  });

  test('consent to be contacted without contact details is not stored as consent', async () => {
    // Regression (tester finding): stored as consent_contact true, has_contact false.
    const rep = await w.report({ institution: 'A', text: 'Em bị lừa mất 2 triệu qua mạng', consent_contact: true, contact: { name: '' } });
    const r = await a1.json(`/api/v1/cases/${rep.case_code}`);
    assert.equal(r.body.has_contact, false);
    assert.equal(r.body.consent_contact, false);
  });

  test('contact details: lead or the assignee only, each unseal audited', async () => {
    const rep = await w.report({
      institution: 'A',
      text: 'Có người doạ tung ảnh của em nếu không chuyển tiền trước 9 giờ tối nay',
      contact: { name: 'Ngọc Anh', phone: '0388555012', email: 'SV@Example.edu.vn' },
      consent_contact: true,
    });
    const code = rep.case_code;
    const la = await w.login('la');
    const a2 = await w.login('a2');
    const city = await w.login('city');
    const admin = await w.login('admin');
    let r = await a1.json(`/api/v1/cases/${code}`);
    assert.equal(r.body.has_contact, true);
    assert.equal(r.body.consent_contact, true);
    assert.ok(!JSON.stringify(r.body).includes('0388'), 'the case view carries no contact details');
    assert.equal((await a1.json(`/api/v1/cases/${code}/contact`)).status, 403);
    assert.equal((await city.json(`/api/v1/cases/${code}/contact`)).status, 404);
    assert.equal((await admin.json(`/api/v1/cases/${code}/contact`)).status, 404);
    r = await la.json(`/api/v1/cases/${code}/contact`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      name: 'Ngọc Anh',
      phone: '+84388555012',
      email: 'sv@example.edu.vn',
      consent_contact: true,
    });
    r = await la.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { assignee: 'a2' } });
    assert.equal(r.status, 200);
    assert.equal((await a2.json(`/api/v1/cases/${code}/contact`)).status, 200);
    assert.equal((await a1.json(`/api/v1/cases/${code}/contact`)).status, 403);
    // Three unseals so far, each an audit row (checked in cases-audit.test.mjs too).
    const rows = await w.cli(['audit', 'verify']);
    assert.match(rows.stdout, /audit chain ok/);
  });

  test('sessions: who am I, log out, cookie flags', async () => {
    const res = await w.srv.fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'la', password: 'mat-khau-thu-nghiem' }),
    });
    assert.equal(res.status, 200);
    const cookie = res.headers.get('set-cookie');
    assert.match(cookie, /^td_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const body = await res.json();
    assert.deepEqual(body.account, {
      username: 'la',
      role: 'lead',
      institution: 'A',
      display_name: 'la',
    });
    const c = cookie.split(';')[0];
    let r = await w.srv.fetch('/api/v1/session', { headers: { Cookie: c } });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).csrf_token, body.csrf_token);
    r = await w.srv.fetch('/api/v1/session', { method: 'DELETE', headers: { Cookie: c } });
    assert.equal(r.status, 403, 'logout needs the CSRF token');
    await r.arrayBuffer();
    r = await w.srv.fetch('/api/v1/session', {
      method: 'DELETE',
      headers: { Cookie: c, 'X-CSRF-Token': body.csrf_token },
    });
    assert.equal(r.status, 204);
    assert.match(r.headers.get('set-cookie'), /Max-Age=0/);
    r = await w.srv.fetch('/api/v1/session', { headers: { Cookie: c } });
    assert.equal(r.status, 401);
    await r.arrayBuffer();
    r = await w.srv.fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'la', password: 'wrong-password' }),
    });
    assert.equal(r.status, 401);
    assert.equal((await r.json()).error.code, 'unauthorized');
    r = await w.srv.fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'nobody', password: 'whatever-it-is' }),
    });
    assert.equal(r.status, 401);
    await r.arrayBuffer();
  });

  test('a disabled account loses its session', async () => {
    const a2 = await w.login('a2');
    assert.equal((await a2.json('/api/v1/cases')).status, 200);
    await w.cli(['user', 'disable', 'a2']);
    assert.equal((await a2.json('/api/v1/cases')).status, 401);
    const r = await w.srv.fetch('/api/v1/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'a2', password: 'mat-khau-thu-nghiem' }),
    });
    assert.equal(r.status, 401);
    await r.arrayBuffer();
    await w.cli(['user', 'enable', 'a2']);
  });

  test('two reports naming the same phone number are linked; across institutions only for city', async () => {
    const phone = '0359 218 447';
    const r1 = await w.report({ institution: 'A', text: `Có người giả thầy chủ nhiệm bảo em chuyển tiền vào số ${phone}` });
    const r2 = await w.report({ institution: 'A', text: `Kẻ lừa gọi từ số 0359218447 đòi em đóng học phí` });
    const r3 = await w.report({ institution: 'B', text: `Số +84 359 218 447 nhắn tin lừa em chuyển khoản` });
    let v = await a1.json(`/api/v1/cases/${r1.case_code}`);
    const ent = v.body.entities.find((e) => e.kind === 'phone');
    assert.ok(ent, JSON.stringify(v.body.entities));
    assert.equal(ent.value, '+84359218447');
    assert.deepEqual(v.body.linked.map((l) => l.code), [r2.case_code]);
    assert.deepEqual(v.body.linked[0].via, { kind: 'phone', value: '+84359218447' });
    v = await a1.json(`/api/v1/cases/${r2.case_code}`);
    assert.deepEqual(v.body.linked.map((l) => l.code), [r1.case_code]);
    const city = await w.login('city');
    v = await city.json(`/api/v1/cases/${r1.case_code}`);
    assert.deepEqual(v.body.linked.map((l) => l.code).sort(), [r2.case_code, r3.case_code].sort());
    assert.equal(v.body.linked.find((l) => l.code === r3.case_code).institution, 'B');
  });

  test('search is diacritic-insensitive and whole-syllable', async () => {
    const r = await w.report({ institution: 'A', text: 'Em bị lừa đảo qua ứng dụng đầu tư tiền ảo' });
    for (const q of ['lừa đảo', 'lua dao', 'LỪA ĐẢO', 'tien ao']) {
      const res = await a1.json(`/api/v1/cases?q=${encodeURIComponent(q)}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.items.some((i) => i.code === r.case_code), q);
    }
    const none = await a1.json(`/api/v1/cases?q=${encodeURIComponent('lu')}`);
    assert.ok(!none.body.items.some((i) => i.code === r.case_code));
  });

  test('pages follow the queue order through next_cursor', async () => {
    const all = (await a1.json('/api/v1/cases?limit=200')).body.items.map((i) => i.code);
    assert.ok(all.length >= 6);
    const seen = [];
    let cursor = null;
    for (let i = 0; i < 50; i++) {
      const res = await a1.json(`/api/v1/cases?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(res.status, 200);
      seen.push(...res.body.items.map((x) => x.code));
      cursor = res.body.next_cursor;
      if (!cursor) break;
    }
    assert.deepEqual(seen, all);
  });

  test('the queue page cache: own changes at once, another process\'s within a second', async () => {
    const before1 = await a1.json('/api/v1/cases?limit=200');
    const again = await a1.json('/api/v1/cases?limit=200');
    assert.deepEqual(again.body.items, before1.body.items);
    // A change through the API shows on the very next read.
    const r = await w.report({ institution: 'A', text: 'Em bị người lạ nhắn tin đe doạ trên mạng' });
    let q = await a1.json('/api/v1/cases?limit=200');
    assert.ok(q.body.items.some((i) => i.code === r.case_code));
    // A report imported by the command line (another process) shows within the cache lifetime.
    const f = path.join(w.dataDir, 'one.jsonl');
    fs.writeFileSync(f, JSON.stringify({ text: 'Báo cáo nhập từ dòng lệnh: bị lừa đảo thẻ cào' }) + '\n');
    await w.cli(['import', f, '--institution', 'A']);
    const t0 = Date.now();
    for (;;) {
      q = await a1.json('/api/v1/cases?limit=200'); // the page cached just above
      if (q.body.items.some((i) => i.excerpt.includes('dòng lệnh'))) break;
      assert.ok(Date.now() - t0 < 2500, 'visible within the 1 s cache lifetime');
      await new Promise((res) => setTimeout(res, 100));
    }
  });
});
