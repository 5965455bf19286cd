import assert from 'node:assert/strict';
import { nextUtcMidnight } from '../../src/api/rate-limit';
import { request } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { useStackWithAccount } from '../helpers/use-stack';

describe('Daily API rate limit', () => {
  const { stack, account } = useStackWithAccount();

  function counterKey(userId: number): string {
    return `${stack.services.config.redisPrefix}:ratelimit:${userId}:${new Date().toISOString().slice(0, 10)}`;
  }

  it('sends the three X-RateLimit headers on every authenticated response, errors included', async () => {
    const ok = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com' } } });
    const notFound = await request(stack.url('/api/v1/links/999999'), { headers: account.auth });
    assert.equal(ok.headers.get('x-ratelimit-limit'), '1000');
    assert.equal(ok.headers.get('x-ratelimit-remaining'), '999');
    assert.equal(notFound.status, 404);
    assert.equal(notFound.headers.get('x-ratelimit-remaining'), '998');
    assert.equal(Number(ok.headers.get('x-ratelimit-reset')), nextUtcMidnight(new Date()).getTime() / 1000);
  });

  it('answers 429 in the envelope once the day\'s 1,000 requests are spent', async () => {
    await stack.services.redis.set(counterKey(account.user.id), '999');
    const last = await request(stack.url('/api/v1/links/1'), { headers: account.auth });
    assert.equal(last.status, 404);
    assert.equal(last.headers.get('x-ratelimit-remaining'), '0');
    const over = await request(stack.url('/api/v1/links/1'), { headers: account.auth });
    assert.equal(over.status, 429);
    assert.equal(over.body.success, false);
    assert.equal(over.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(Number(over.headers.get('retry-after')) > 0);
  });

  it('counts exactly across two web processes under concurrent requests', async () => {
    const second = await startStack();
    try {
      await stack.services.redis.set(counterKey(account.user.id), '900');
      const servers = [stack, second];
      const responses = await Promise.all(
        Array.from({ length: 160 }, (_, i) => request((servers[i % 2] as Stack).url('/api/v1/links/1'), { headers: account.auth })),
      );
      const statuses = responses.map((r) => r.status);
      assert.equal(statuses.filter((s) => s === 404).length, 100);
      assert.equal(statuses.filter((s) => s === 429).length, 60);
      assert.equal(await stack.services.redis.get(counterKey(account.user.id)), '1060');
    } finally {
      await second.stop();
    }
  });
});
