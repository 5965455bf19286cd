import assert from 'node:assert/strict';
import { acquireReceiverSlot, receiverOrigin } from '../../src/domain/webhooks/receiver-slots';
import { useStack } from '../helpers/use-stack';

describe('Receiver slots (per-origin semaphore in Redis)', () => {
  const { stack } = useStack({ env: { WEBHOOK_RECEIVER_CONCURRENCY: '2', WEBHOOK_TIMEOUT_MS: '100' } });

  const acquire = (origin: string, holder: string) => acquireReceiverSlot(stack.services.redis, stack.services.config, origin, holder);

  it('grants up to the ceiling per origin, refuses the next, and frees a slot on release', async () => {
    const a = await acquire('https://a.example', 'h1');
    const b = await acquire('https://a.example', 'h2');
    assert.ok(a && b);
    assert.equal(await acquire('https://a.example', 'h3'), undefined);
    assert.ok(await acquire('https://b.example', 'h4'), 'another origin has its own slots');
    await a.release();
    assert.ok(await acquire('https://a.example', 'h5'));
  });

  it('frees the slot of a holder that never released once its lease (timeout + 5 s) has passed', async () => {
    await acquire('https://c.example', 'h1');
    await acquire('https://c.example', 'h2');
    assert.equal(await acquire('https://c.example', 'h3'), undefined);
    // Age the leases instead of waiting 5 s: scores are expiry times in ms.
    const keys = await stack.services.redis.keys(`${stack.services.config.redisPrefix}:webhooks:inflight:*`);
    for (const key of keys) await stack.services.redis.zadd(key, 'XX', 1, 'h1', 1, 'h2');
    assert.ok(await acquire('https://c.example', 'h3'));
  });

  it('keys slots by origin, so paths and queries of one receiver share them', () => {
    assert.equal(receiverOrigin('https://hooks.example.com:8443/a?x=1'), receiverOrigin('https://hooks.example.com:8443/b'));
    assert.notEqual(receiverOrigin('https://hooks.example.com/'), receiverOrigin('http://hooks.example.com/'));
  });
});
