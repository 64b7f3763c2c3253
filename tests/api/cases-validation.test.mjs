// Every validation rule of the case API (issue 4) answers 4xx naming the field: report intake,
// staff changes, messages, queue filters, login. Unknown fields are ignored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { JSON_HDR, caseWorld } from './cases-helpers.mjs';

const OK = { institution: 'A', text: 'Em bị lừa mất tiền qua mạng' };

describe('case API validation', () => {
  let w;
  let a1;
  let code;
  before(async () => {
    w = await caseWorld();
    a1 = await w.login('a1');
    code = (await w.report(OK)).case_code;
  });
  after(async () => {
    await w.stop();
  });

  async function post(body) {
    const r = await w.srv.fetch('/api/v1/reports', {
      method: 'POST',
      headers: JSON_HDR,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }

  const reportRows = [
    ['text missing', { institution: 'A' }, 422, 'text'],
    ['text empty', { ...OK, text: '' }, 422, 'text'],
    ['text only white space', { ...OK, text: ' \n\t ' }, 422, 'text'],
    // Regression (tester finding): zero-width characters alone were accepted and triaged.
    ['text only zero-width characters', { ...OK, text: '\u200b\u200b\u200b' }, 422, 'text'],
    ['text only control characters and spaces', { ...OK, text: '\u0007 \u200d\ufeff' }, 422, 'text'],
    ['text not a string', { ...OK, text: 42 }, 422, 'text'],
    ['text 20,001 characters', { ...OK, text: 'ả'.repeat(20001) }, 422, 'text'],
    ['institution missing', { text: 'xin chào' }, 422, 'institution'],
    ['institution unknown', { ...OK, institution: 'NOPE' }, 422, 'institution'],
    ['institution not a string', { ...OK, institution: ['A'] }, 422, 'institution'],
    ['channel unknown', { ...OK, channel: 'fax' }, 422, 'channel'],
    // Regression (tester finding): an anonymous report could claim a staff-logged channel.
    ['channel phone from a student', { ...OK, channel: 'phone' }, 422, 'channel'],
    ['channel email from a student', { ...OK, channel: 'email' }, 422, 'channel'],
    ['contact not an object', { ...OK, contact: 'me' }, 422, 'contact'],
    ['contact.name over 200 characters', { ...OK, contact: { name: 'Ư'.repeat(201) } }, 422, 'contact.name'],
    ['contact.name not a string', { ...OK, contact: { name: 1 } }, 422, 'contact.name'],
    // Regression (tester finding): control characters in a name were kept.
    ['contact.name with a control character', { ...OK, contact: { name: 'Lan\u0007' } }, 422, 'contact.name'],
    ['contact.name with a C1 control character', { ...OK, contact: { name: 'Lan\u0085Anh' } }, 422, 'contact.name'],
    ['contact.phone not a phone number', { ...OK, contact: { phone: '12345' } }, 422, 'contact.phone'],
    ['contact.phone letters', { ...OK, contact: { phone: 'gọi cho em' } }, 422, 'contact.phone'],
    ['contact.email invalid', { ...OK, contact: { email: 'em@' } }, 422, 'contact.email'],
    ['contact.email no domain dot', { ...OK, contact: { email: 'a b@c' } }, 422, 'contact.email'],
    ['consent_contact not a boolean', { ...OK, consent_contact: 'yes' }, 422, 'consent_contact'],
  ];
  for (const [name, body, status, field] of reportRows) {
    test(`report: ${name} -> ${status} ${field}`, async () => {
      const r = await post(body);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.field, field);
      assert.ok(r.body.error.message.length > 0);
    });
  }

  test('report: 20,000 characters after NFC are accepted (decomposed input counts once)', async () => {
    const decomposed = 'a\u0309'.repeat(20000); // "ả" as a + combining hook: 40,000 code points
    const r = await post({ ...OK, text: decomposed });
    assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 300));
  });

  test('report: unknown fields are ignored, contact fields may be null', async () => {
    const r = await post({ ...OK, extra: { deep: [1, 2] }, priority: 'max', contact: { name: null, phone: null } });
    assert.equal(r.status, 201);
    assert.ok(r.body.case_code);
  });

  test('report: malformed JSON and wrong media type are 400 and 415', async () => {
    let r = await post('{"text": "unterminated');
    assert.equal(r.status, 400);
    const res = await w.srv.fetch('/api/v1/reports', { method: 'POST', body: JSON.stringify(OK) });
    assert.equal(res.status, 415);
    await res.arrayBuffer();
    r = await post('["not", "an", "object"]');
    assert.equal(r.status, 400);
  });

  test('student message: text required, wrong key is 404 first', async () => {
    const rep = await w.report(OK);
    for (const [body, status, field] of [
      [{}, 422, 'text'],
      [{ text: '' }, 422, 'text'],
      [{ text: 5 }, 422, 'text'],
      [{ text: 'ư'.repeat(20001) }, 422, 'text'],
    ]) {
      const r = await w.student(rep.case_code, rep.access_key, {
        method: 'POST',
        suffix: '/messages',
        body: JSON.stringify(body),
      });
      assert.equal(r.status, status);
      assert.equal((await r.json()).error.field, field);
    }
    const r = await w.student(rep.case_code, 'AAAAA-AAAAA-AAAAA-AAAAA', {
      method: 'POST',
      suffix: '/messages',
      body: JSON.stringify({ text: 'xin chào' }),
    });
    assert.equal(r.status, 404);
    await r.arrayBuffer();
  });

  const patchRows = [
    ['status unknown', { status: 'done' }, 422, 'status'],
    ['status not a string', { status: 1 }, 422, 'status'],
    ['category unknown', { category: 'spam', reason: 'x' }, 422, 'category'],
    ['urgency unknown', { urgency: 'urgent', reason: 'x' }, 422, 'urgency'],
    ['category change without reason', { category: 'sextortion' }, 422, 'reason'],
    ['urgency change without reason', { urgency: 'low' }, 422, 'reason'],
    ['reason empty', { urgency: 'low', reason: '  ' }, 422, 'reason'],
    ['reason over 2,000 characters', { urgency: 'low', reason: 'x'.repeat(2001) }, 422, 'reason'],
    ['assignee unknown', { assignee: 'nobody' }, 422, 'assignee'],
    ['assignee not a string', { assignee: 7 }, 422, 'assignee'],
  ];
  for (const [name, body, status, field] of patchRows) {
    test(`PATCH: ${name} -> ${status} ${field}`, async () => {
      const r = await a1.json(`/api/v1/cases/${code}`, { method: 'PATCH', body });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.field, field);
    });
  }

  test('PATCH: a change with a reason is recorded with it; due time follows the urgency', async () => {
    const r = await a1.json(`/api/v1/cases/${code}`, {
      method: 'PATCH',
      body: { category: 'sextortion', urgency: 'critical', reason: 'Có ảnh nhạy cảm bị đe doạ' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.body.category, 'sextortion');
    assert.equal(r.body.urgency, 'critical');
    assert.equal(Date.parse(r.body.due_at) - Date.parse(r.body.opened_at), 15 * 60 * 1000);
    const ev = r.body.events.filter((e) => e.kind === 'category' || e.kind === 'urgency');
    assert.equal(ev.length, 2);
    assert.ok(ev.every((e) => e.reason === 'Có ảnh nhạy cảm bị đe doạ' && e.actor === 'a1'));
  });

  test('staff message: body required and a string, internal a boolean', async () => {
    for (const [body, field] of [
      [{}, 'body'],
      [{ body: '' }, 'body'],
      [{ body: 3 }, 'body'],
      [{ body: 'ok', internal: 'yes' }, 'internal'],
      [{ body: 'x'.repeat(20001) }, 'body'],
    ]) {
      const r = await a1.json(`/api/v1/cases/${code}/messages`, { method: 'POST', body });
      assert.equal(r.status, 422, JSON.stringify(body).slice(0, 50));
      assert.equal(r.body.error.field, field);
    }
  });

  test('report: the institution code is matched without regard to case', async () => {
    // Regression (tester finding): "a" was unknown although codes are stored as "A".
    const r = await post({ ...OK, institution: 'a' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });

  test('phone call: a channel only a student uses is refused', async () => {
    for (const channel of ['web', 'api']) {
      const r = await a1.json('/api/v1/cases', { method: 'POST', body: { text: 'gọi điện báo bị lừa', channel } });
      assert.equal(r.status, 422, channel);
      assert.equal(r.body.error.field, 'channel');
    }
    const r = await a1.json('/api/v1/cases', { method: 'POST', body: { text: 'gọi điện báo bị lừa', channel: 'email' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });

  test('phone call: same intake rules', async () => {
    let r = await a1.json('/api/v1/cases', { method: 'POST', body: { text: '' } });
    assert.equal(r.status, 422);
    assert.equal(r.body.error.field, 'text');
    r = await a1.json('/api/v1/cases', { method: 'POST', body: { text: 'gọi điện', contact: { phone: 'abc' } } });
    assert.equal(r.body.error.field, 'contact.phone');
  });

  for (const [name, query, field] of [
    ['status unknown', 'status=open,done', 'status'],
    ['status empty item', 'status=open,,new', 'status'],
    ['urgency unknown', 'urgency=urgent', 'urgency'],
    ['category unknown', 'category=spam', 'category'],
    ['assignee unknown', 'assignee=nobody', 'assignee'],
    // Regression (tester finding): names from another institution answered 200, so a counsellor
    // could probe which usernames exist elsewhere.
    ['assignee of another institution', 'assignee=b1', 'assignee'],
    ['assignee a city officer', 'assignee=city', 'assignee'],
    ['limit zero', 'limit=0', 'limit'],
    // Regression (tester finding): strtoll took a sign and leading blanks.
    ['limit with a plus sign', 'limit=%2B5', 'limit'],
    ['limit with a leading space', 'limit=%205', 'limit'],
    ['limit negative', 'limit=-1', 'limit'],
    ['cursor negative', 'cursor=-1.-1.-1.-1', 'cursor'],
    ['cursor urgency out of range', 'cursor=7.0.0.1', 'cursor'],
    ['cursor id zero', 'cursor=0.0.0.0', 'cursor'],
    ['limit too large', 'limit=201', 'limit'],
    ['limit not a number', 'limit=ten', 'limit'],
    ['cursor garbage', 'cursor=abc', 'cursor'],
    ['since not a time', 'since=yesterday', 'since'],
    // Regression (tester finding): %00 cut the value silently (no filter at all), and a repeated
    // name silently kept its first value.
    ['category with a NUL', 'category=%00', 'category'],
    ['q with a NUL', 'q=a%00b', 'q'],
    ['status given twice', 'status=new&status=open', 'status'],
    ['q given twice', 'q=x&q=y', 'q'],
  ]) {
    test(`queue filter: ${name} -> 422 ${field}`, async () => {
      const r = await a1.json(`/api/v1/cases?${query}`);
      assert.equal(r.status, 422);
      assert.equal(r.body.error.field, field);
    });
  }

  test('queue filters that are valid narrow the list', async () => {
    const r = await a1.json(`/api/v1/cases?urgency=critical&category=sextortion&since=2000-01-01T00:00:00Z`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.items.map((i) => i.code), [code]);
    const future = await a1.json(`/api/v1/cases?since=2999-01-01T00:00:00Z`);
    assert.deepEqual(future.body.items, []);
  });

  test('login: username and password required', async () => {
    for (const [body, field] of [
      [{ password: 'x' }, 'username'],
      [{ username: 'a1' }, 'password'],
      [{ username: 5, password: 'x' }, 'username'],
      [{ username: 'a1', password: '' }, 'password'],
      [{ username: 'u'.repeat(1500), password: 'x' }, 'username'],
    ]) {
      const r = await w.srv.fetch('/api/v1/session', { method: 'POST', headers: JSON_HDR, body: JSON.stringify(body) });
      assert.equal(r.status, 422);
      const e = (await r.json()).error;
      assert.equal(e.field, field);
      // Regression (tester finding): a number for a username was reported as "missing".
      if (typeof body.username === 'number') assert.equal(e.message, 'Giá trị không hợp lệ');
      // Regression (tester finding): a 1,500-character username was called "missing".
      if (body.username?.length > 200) assert.equal(e.message, 'Nội dung quá dài');
    }
  });

  test('login: wrong credentials say so (not "login required")', async () => {
    const r = await w.srv.fetch('/api/v1/session', {
      method: 'POST',
      headers: { ...JSON_HDR, 'Accept-Language': 'en' },
      body: JSON.stringify({ username: 'a1', password: 'not-the-password' }),
    });
    assert.equal(r.status, 401);
    const e = (await r.json()).error;
    assert.equal(e.code, 'unauthorized');
    assert.equal(e.message, 'Wrong username or password');
  });

  test('English messages with Accept-Language: en', async () => {
    const r = await w.srv.fetch('/api/v1/reports', {
      method: 'POST',
      headers: { ...JSON_HDR, 'Accept-Language': 'en' },
      body: JSON.stringify({ institution: 'A' }),
    });
    const e = (await r.json()).error;
    assert.equal(e.field, 'text');
    assert.equal(e.message, 'Required information is missing');
    const ok = await w.report({ institution: 'A', text: 'Em không muốn sống nữa, tối nay em sẽ nhảy cầu' }, { headers: { 'Accept-Language': 'en' } });
    assert.equal(ok.urgency, 'critical');
    assert.equal(ok.emergency[0].label, 'Police');
    assert.match(ok.advice[0], /not alone/);
  });
});
