// Rate limits of the case API (issue 4), from the configuration: login per address and per
// username, access-key lookups per address and per case code, report intake per address.
// Over the limit: 429 rate_limited with Retry-After.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { JSON_HDR, caseWorld } from './cases-helpers.mjs';

const LIMITS = {
  TONGDAI_LIMITS_LOGIN_PER_MINUTE: '5',
  TONGDAI_LIMITS_LOGIN_PER_USER_PER_MINUTE: '2',
  TONGDAI_LIMITS_LOOKUP_PER_MINUTE: '6',
  TONGDAI_LIMITS_LOOKUP_PER_CODE_PER_MINUTE: '3',
  TONGDAI_LIMITS_REPORT_PER_MINUTE: '2',
};

async function assert429(res, what) {
  assert.equal(res.status, 429, what);
  const ra = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 60, `${what}: Retry-After ${ra}`);
  assert.equal((await res.json()).error.code, 'rate_limited');
}

describe('case API rate limits', () => {
  let w;
  before(async () => {
    w = await caseWorld({ env: LIMITS });
  });
  after(async () => {
    await w.stop();
  });

  test('report intake per address: 2 then 429; lookups per code and per address', async () => {
    const r1 = await w.report({ institution: 'A', text: 'Em bị lừa qua mạng' });
    const r2 = await w.report({ institution: 'A', text: 'Em bị bắt nạt trong nhóm lớp' });
    const res = await w.srv.fetch('/api/v1/reports', {
      method: 'POST',
      headers: JSON_HDR,
      body: JSON.stringify({ institution: 'A', text: 'báo cáo thứ ba' }),
    });
    await assert429(res, 'third report');

    // Per code: failed lookups count, so guessing stops after 3 wrong keys for this code...
    let s;
    for (let i = 0; i < 3; i++) {
      s = await w.student(r1.case_code, `AAAAA-AAAAA-AAAAA-AAAA${i}`);
      assert.equal(s.status, 404);
      await s.arrayBuffer();
    }
    await assert429(await w.student(r1.case_code, 'AAAAA-AAAAA-AAAAA-AAAAZ'), 'fourth wrong key for one code');
    // ...but the right key still opens the case: a stranger who knows the code cannot lock the
    // student out (regression: the correct key used to get 429 too).
    s = await w.student(r1.case_code, r1.access_key);
    assert.equal(s.status, 200);
    await s.arrayBuffer();
    // Per address: every lookup counts; 5 so far, one more, then refused.
    s = await w.student(r2.case_code, r2.access_key);
    assert.equal(s.status, 200);
    await s.arrayBuffer();
    await assert429(await w.student(r2.case_code, r2.access_key), 'seventh lookup from one address');
  });

  test('login per username, then per address', async () => {
    const attempt = (username, password = 'sai-mat-khau-nhe') =>
      w.srv.fetch('/api/v1/session', { method: 'POST', headers: JSON_HDR, body: JSON.stringify({ username, password }) });
    for (let i = 0; i < 2; i++) {
      const r = await attempt('a1');
      assert.equal(r.status, 401);
      await r.arrayBuffer();
    }
    // The right password does not help once the username is over its limit.
    await assert429(await attempt('a1', 'mat-khau-thu-nghiem'), 'third attempt for a1');
    const ok = await attempt('la', 'mat-khau-thu-nghiem');
    assert.equal(ok.status, 200, 'another user from the same address still has room');
    await ok.arrayBuffer();
    const r = await attempt('city');
    assert.equal(r.status, 401);
    await r.arrayBuffer();
    await assert429(await attempt('admin', 'mat-khau-thu-nghiem'), 'sixth attempt from one address');
  });
});
