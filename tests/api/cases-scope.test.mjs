// Scope and permissions of the case API (issue 4): a counsellor of institution A gets 404 on every
// case path of institution B; city reads every institution but never contact details and changes
// nothing; admin reads no case content; CSRF on every staff state change; illegal transitions 409.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { caseWorld } from './cases-helpers.mjs';

describe('case scope and permissions', () => {
  let w;
  let caseA;
  let caseB;
  const c = {};
  before(async () => {
    w = await caseWorld();
    caseA = await w.report({
      institution: 'A',
      text: 'Em bị lừa chuyển 3 triệu cho app việc nhẹ lương cao',
      contact: { phone: '0912345678' },
    });
    caseB = await w.report({
      institution: 'B',
      text: 'Em bị người lạ doạ tung ảnh nhạy cảm nếu không gửi tiền tối nay',
      contact: { email: 'hs@example.vn' },
    });
    for (const u of ['a1', 'la', 'b1', 'lb', 'city', 'admin']) c[u] = await w.login(u);
  });
  after(async () => {
    await w.stop();
  });

  test('a counsellor of A gets 404 on every case path of B (and the lead too)', async () => {
    const code = caseB.case_code;
    for (const who of ['a1', 'la']) {
      const paths = [
        [`/api/v1/cases/${code}`, {}],
        [`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'open' } }],
        [`/api/v1/cases/${code}`, { method: 'PATCH', body: { assignee: 'me' } }],
        [`/api/v1/cases/${code}/messages`, { method: 'POST', body: { body: 'xin chào', internal: false } }],
        [`/api/v1/cases/${code}/messages`, { method: 'POST', body: { body: 'ghi chú', internal: true } }],
        [`/api/v1/cases/${code}/contact`, {}],
      ];
      for (const [p, init] of paths) {
        const r = await c[who].json(p, init);
        assert.equal(r.status, 404, `${who} ${init.method || 'GET'} ${p}: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.error.code, 'not_found');
      }
      // Nothing of B in A's queue or search.
      const q = await c[who].json('/api/v1/cases?limit=200&status=new,open,waiting,referred,resolved,closed');
      assert.ok(q.body.items.every((i) => i.institution === 'A'));
      const s = await c[who].json(`/api/v1/cases?q=${encodeURIComponent('tung ảnh')}`);
      assert.equal(s.body.items.length, 0);
    }
    // And nothing was changed by those attempts.
    const v = await c.b1.json(`/api/v1/cases/${code}`);
    assert.equal(v.status, 200);
    assert.equal(v.body.status, 'new');
    assert.equal(v.body.messages.length, 1);
    // The same paths for an unknown code answer the same way.
    assert.equal((await c.a1.json('/api/v1/cases/ZZZZZZZZ')).status, 404);
  });

  test('city reads every institution, never contact details, changes nothing', async () => {
    const q = await c.city.json('/api/v1/cases?limit=200');
    assert.equal(q.status, 200);
    const insts = new Set(q.body.items.map((i) => i.institution));
    assert.ok(insts.has('A') && insts.has('B'));
    for (const code of [caseA.case_code, caseB.case_code]) {
      const v = await c.city.json(`/api/v1/cases/${code}`);
      assert.equal(v.status, 200);
      assert.ok(v.body.text.length > 0);
      assert.ok(!JSON.stringify(v.body).includes('0912345678') && !JSON.stringify(v.body).includes('hs@example'));
      assert.equal((await c.city.json(`/api/v1/cases/${code}/contact`)).status, 404);
      assert.equal((await c.city.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'open' } })).status, 403);
      assert.equal(
        (await c.city.json(`/api/v1/cases/${code}/messages`, { method: 'POST', body: { body: 'x' } })).status,
        403,
      );
    }
    assert.equal((await c.city.json('/api/v1/cases', { method: 'POST', body: { text: 'x', institution: 'A' } })).status, 403);
  });

  test('admin reads no case content', async () => {
    assert.equal((await c.admin.json('/api/v1/cases')).status, 403);
    for (const code of [caseA.case_code, caseB.case_code]) {
      const v = await c.admin.json(`/api/v1/cases/${code}`);
      assert.equal(v.status, 403);
      assert.ok(!JSON.stringify(v.body).includes('lừa'));
      assert.equal((await c.admin.json(`/api/v1/cases/${code}/contact`)).status, 404);
      assert.equal((await c.admin.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'open' } })).status, 403);
    }
  });

  test('no session: 401 on every staff path', async () => {
    for (const [m, p] of [
      ['GET', '/api/v1/cases'],
      ['POST', '/api/v1/cases'],
      ['GET', `/api/v1/cases/${caseA.case_code}`],
      ['PATCH', `/api/v1/cases/${caseA.case_code}`],
      ['POST', `/api/v1/cases/${caseA.case_code}/messages`],
      ['GET', `/api/v1/cases/${caseA.case_code}/contact`],
      ['GET', '/api/v1/session'],
    ]) {
      const r = await w.srv.fetch(p, {
        method: m,
        headers: { 'Content-Type': 'application/json', Cookie: 'td_session=forged-token-value' },
        body: m === 'GET' ? undefined : '{}',
      });
      assert.equal(r.status, 401, `${m} ${p}`);
      assert.equal((await r.json()).error.code, 'unauthorized');
    }
  });

  test('CSRF token missing or wrong: 403 on every state change, nothing changes', async () => {
    const code = caseA.case_code;
    const changes = [
      ['PATCH', `/api/v1/cases/${code}`, { status: 'open' }],
      ['POST', `/api/v1/cases/${code}/messages`, { body: 'xin chào' }],
      ['POST', '/api/v1/cases', { text: 'cuộc gọi' }],
      ['DELETE', '/api/v1/session', undefined],
    ];
    for (const [method, p, body] of changes) {
      for (const headers of [{}, { 'X-CSRF-Token': 'x'.repeat(43) }, { 'X-CSRF-Token': c.la.csrf }]) {
        const r = await c.a1.json(p, { method, body, csrf: false, headers });
        assert.equal(r.status, 403, `${method} ${p} ${JSON.stringify(headers)}`);
        assert.equal(r.body.error.code, 'csrf');
      }
    }
    const v = await c.a1.json(`/api/v1/cases/${code}`);
    assert.equal(v.body.status, 'new');
    assert.equal(v.body.messages.length, 1);
    assert.equal((await c.a1.json('/api/v1/session')).status, 200, 'still logged in');
  });

  test('illegal transitions: 409 naming the allowed ones', async () => {
    const r0 = await w.report({ institution: 'A', text: 'Em cần tư vấn về tài khoản bị hack' });
    const code = r0.case_code;
    let r = await c.a1.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'closed' } });
    assert.equal(r.status, 409);
    assert.equal(r.body.error.code, 'conflict');
    assert.equal(r.body.error.field, 'status');
    assert.deepEqual(r.body.error.allowed, ['open', 'waiting', 'referred', 'resolved']);
    r = await c.a1.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'new' } });
    assert.equal(r.status, 200, 'same status is no change');
    r = await c.a1.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'resolved' } });
    assert.equal(r.status, 200);
    for (const [to, allowed] of [
      ['waiting', ['open', 'closed']],
      ['referred', ['open', 'closed']],
    ]) {
      r = await c.a1.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: to } });
      assert.equal(r.status, 409);
      assert.deepEqual(r.body.error.allowed, allowed);
    }
    r = await c.a1.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'closed' } });
    assert.equal(r.status, 200);
    r = await c.a1.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { status: 'resolved' } });
    assert.equal(r.status, 409);
    assert.deepEqual(r.body.error.allowed, ['open']);
    // A refused change leaves no event behind.
    const v = await c.a1.json(`/api/v1/cases/${code}`);
    assert.deepEqual(v.body.events.map((e) => e.to), ['new', 'resolved', 'closed']);
  });

  test('assignment stays inside the institution', async () => {
    const code = caseA.case_code;
    let r = await c.la.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { assignee: 'b1' } });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.field, 'assignee');
    r = await c.la.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { assignee: 'city' } });
    assert.equal(r.status, 422);
    r = await c.la.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { assignee: 'a1' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.assignee, 'a1');
    const mine = await c.a1.json('/api/v1/cases?assignee=me');
    assert.deepEqual(mine.body.items.map((i) => i.code), [code]);
    r = await c.la.json(`/api/v1/cases/${code}`, { method: 'PATCH', body: { assignee: null } });
    assert.equal(r.body.assignee, null);
    const none = await c.a1.json('/api/v1/cases?assignee=none');
    assert.ok(none.body.items.some((i) => i.code === code));
  });
});
