import assert from 'node:assert/strict';
import { request } from '../helpers/http';
import { signIn, signUp, uniqueEmail } from '../helpers/sessions';
import { useStack } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

describe('Sign-in throttling per account and per address', () => {
  const { stack } = useStack({ env: { SIGNUP: 'open', TRUST_PROXY: '1' }, web: { signInLimits: { perAccount: 3, perAddress: 5, windowSeconds: 60 } } });

  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('refuses an account\'s password checks past its limit with 429 and Retry-After, even the right password, from any address', async () => {
    const browser = await signUp(stack, {}, from('198.51.100.1'));
    for (let i = 0; i < 3; i++) {
      assert.equal((await signIn(stack, browser.user.email, 'wrong password here', from(`203.0.113.${i + 1}`))).status, 401);
    }
    const refused = await signIn(stack, browser.user.email, browser.password, from('203.0.113.99'));
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After ${retryAfter}`);
    assert.equal(refused.body.success, false);
  });

  it('starts an account\'s count again after a successful sign-in', async () => {
    const browser = await signUp(stack, {}, from('198.51.100.2'));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) await signIn(stack, browser.user.email, 'wrong password here', from(`192.0.2.${round * 10 + i}`));
      assert.equal((await signIn(stack, browser.user.email, browser.password, from(`192.0.2.${round * 10 + 5}`))).status, 200);
    }
  });

  it('counts one IPv6 /64 as one address, and a different /64 apart', async () => {
    for (let i = 0; i < 5; i++) {
      assert.equal((await signIn(stack, uniqueEmail(), 'wrong password here', from(`2001:db8:aa:bb::${i + 1}`))).status, 401);
    }
    const sameNetwork = await signIn(stack, uniqueEmail(), 'wrong password here', from('2001:db8:aa:bb:ffff:1:2:3'));
    assert.equal(sameNetwork.status, 429);
    const signUpToo = await request(stack.url('/api/v1/auth/signup'), { method: 'POST', headers: from('2001:db8:aa:bb::77'), json: { email: uniqueEmail(), password: 'long enough password' } });
    assert.equal(signUpToo.status, 429, 'sign-ups from the address count too');
    const otherNetwork = await signIn(stack, uniqueEmail(), 'wrong password here', from('2001:db8:aa:bc::1'));
    assert.equal(otherNetwork.status, 401);
  });

  it('keeps neither the email nor the address readable in Redis', async () => {
    const email = uniqueEmail();
    await signIn(stack, email, 'wrong password here', from('2001:db8:cc:dd::1'));
    const keys = await stack.services.redis.keys(`${stack.services.config.redisPrefix}:signin:*`);
    assert.ok(keys.length >= 2);
    const text = keys.join(' ');
    for (const secret of [email, email.split('@')[0] as string, '2001:db8:cc:dd']) assert.ok(!text.includes(secret), secret);
  });

  it('fails closed while Redis cannot count: 503 and no session, rather than unthrottled guessing', async () => {
    const browser = await signUp(stack, {}, from('198.51.100.9'));
    stack.services.redis.disconnect();
    try {
      const res = await signIn(stack, browser.user.email, browser.password, from('198.51.100.9'));
      assert.equal(res.status, 503);
      assert.equal(res.headers.getSetCookie().length, 0);
    } finally {
      // Something else may already be reconnecting it (BullMQ does when a queue is touched).
      if (stack.services.redis.status === 'end') await stack.services.redis.connect();
      await waitFor(() => stack.services.redis.status === 'ready', { what: 'redis back' });
    }
  });
});
