import assert from 'node:assert/strict';
import { setJobWaitBound } from '../../src/domain/jobs/wait';
import type { AttemptLimits } from '../../src/proxy/password-attempts';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const PASSWORD = 'correct horse';
// Small figures so the suite is quick; the shape is the production one (DEFAULT_ATTEMPT_LIMITS).
const LIMITS: AttemptLimits = { perAddress: 4, attackThreshold: 6, perAddressUnderAttack: 2, delayStepMs: 100, maxDelayMs: 300, windowSeconds: 60 };

describe('Password attempt limits', () => {
  // One trusted proxy hop, so the test can speak for many visitors through X-Forwarded-For.
  const { stack, account } = useStackWithAccount({ workers: true, env: { TRUST_PROXY: '1' }, web: { passwordAttempts: LIMITS } }, { plan: 'enterprise' });

  async function protectedLink(): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/secret' }, password: PASSWORD } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.link;
  }
  async function submit(code: string, password: string, from: string): Promise<{ status: number; ms: number }> {
    const started = performance.now();
    const res = await fetch(stack.url(`/${code}`), {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ password }).toString(),
      headers: { 'user-agent': BROWSER, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
    });
    await res.arrayBuffer();
    return { status: res.status, ms: performance.now() - started };
  }
  const statuses = (results: Array<{ status: number }>) => results.map((r) => r.status);

  it('counts every address of one IPv6 /64 as one visitor, and another /64 apart', async () => {
    const link = await protectedLink();
    const guesses = await Promise.all([1, 2, 3, 4].map((i) => submit(link.short_code, `wrong ${i}`, `2001:db8:1:2::${i}`)));
    assert.deepEqual(statuses(guesses), [401, 401, 401, 401]);
    assert.equal((await submit(link.short_code, PASSWORD, '2001:db8:1:2:ffff:ffff:ffff:fffe')).status, 429, 'a fresh address in the same /64');
    assert.equal((await submit(link.short_code, PASSWORD, '2001:db8:1:3::1')).status, 302, 'the neighbouring /64');
  });

  it('slows a guesser spread over many addresses with a growing delay, and still lets the visitor with the password in', async () => {
    const link = await protectedLink();
    // Eight wrong guesses from eight addresses: more than the link's threshold, none refused.
    const spread = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => submit(link.short_code, `guess ${i}`, `198.51.100.${i}`)));
    assert.deepEqual(statuses(spread), [401, 401, 401, 401, 401, 401, 401, 401]);

    // Under attack: every answer waits the capped delay, and one address gets two attempts on this link.
    const first = await submit(link.short_code, 'guess 9', '192.0.2.9');
    const second = await submit(link.short_code, 'guess 10', '192.0.2.9');
    const third = await submit(link.short_code, PASSWORD, '192.0.2.9');
    assert.deepEqual(statuses([first, second, third]), [401, 401, 429]);
    assert.ok(first.ms >= LIMITS.maxDelayMs && second.ms >= LIMITS.maxDelayMs, `delayed: ${first.ms} ms, ${second.ms} ms`);

    // The visitor who knows the password, from their own address: in at the first try, no lockout.
    const visitor = await submit(link.short_code, PASSWORD, '203.0.113.50');
    assert.equal(visitor.status, 302);
    assert.ok(visitor.ms >= LIMITS.maxDelayMs, 'right and wrong answers wait alike, so the delay reveals nothing');
  });

  it('does not slow a link with only the odd wrong password', async () => {
    const link = await protectedLink();
    assert.equal((await submit(link.short_code, 'typo', '203.0.113.60')).status, 401);
    const res = await submit(link.short_code, PASSWORD, '203.0.113.60');
    assert.equal(res.status, 302);
    assert.ok(res.ms < LIMITS.delayStepMs * 5, `${res.ms} ms`);
  });

  describe('minimum password length (8)', () => {
    const tooShort = /^Password is too short \(minimum is 8 characters\)$/;

    it('refuses a shorter password on create and PATCH with 422, and takes eight characters', async () => {
      const post = (password: string) => request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/' }, password } });
      const short = await post('1234567');
      assert.equal(short.status, 422);
      assert.deepEqual(short.body, { success: false, error: 'Validation failed', errors: ['Password is too short (minimum is 8 characters)'] });
      assert.match((await post('x')).body.errors[0], tooShort);
      const ok = await post('12345678');
      assert.equal(ok.status, 201);
      const patch = await request(stack.url(`/api/v1/links/${ok.body.link.id}`), { method: 'PATCH', headers: account.auth, json: { password: 'short' } });
      assert.equal(patch.status, 422);
      assert.match(patch.body.errors[0], tooShort);
    });

    it('reports an import row with a shorter password and imports the others', async () => {
      setJobWaitBound(stack.services, 10_000);
      const csv = 'destination_url,short_code,password_protected,password\nhttps://example.com/a,short-pw,true,1234567\nhttps://example.com/b,long-pw,true,12345678';
      const res = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, json: { csv } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.summary, { total_rows: 2, created: 1, failed: 1 });
      assert.equal(res.body.errors[0].row, 1);
      assert.match(res.body.errors[0].error, /Password is too short \(minimum is 8 characters\)/);
    });
  });
});
