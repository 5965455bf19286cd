import assert from 'node:assert/strict';
import { createLink } from '../../src/domain/links';
import { hashPassword } from '../../src/lib/secrets';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { freePort } from '../helpers/ports';
import { forwardToRedis } from '../helpers/redis-forwarder';
import { startStack, type Stack } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('Redirects while Redis is unreachable', () => {
  // `healthy` runs the workers on the real Redis; `cut` is a web process whose Redis is a port
  // nobody answers on (freePort), until a forwarder to the real Redis opens there.
  let healthy: Stack;
  let cut: Stack;
  let port: number;
  let forwarder: { close(): Promise<void> } | undefined;
  let account: TestAccount;

  before(async () => {
    healthy = await startStack({ workers: true });
    await healthy.reset();
    port = await freePort();
    cut = await startStack({
      waitForRedis: false,
      env: { REDIS_URL: `redis://127.0.0.1:${port}` },
      web: { clickBuffer: { maxBatch: 500, flushMs: 20, capacity: 1000, maxBytes: 1_000_000, retryMs: 100, sendTimeoutMs: 1000 } },
    });
    // BullMQ prints connection errors of a queue with no 'error' listener; here they are expected.
    cut.services.queues.queue('clicks').on('error', () => undefined);
    account = await createAccount(healthy.services);
  });
  after(async () => {
    forwarder ??= await forwardToRedis(port);
    await cut.stop();
    await forwarder.close();
    await healthy.stop();
  });

  it('still redirects, holds the clicks and queues them once Redis is back', async () => {
    const link = await createLink(healthy.services.db, { user_id: account.user.id, destination_url: 'https://example.com/down', short_code: 'while-down' });
    assert.notEqual(cut.services.redis.status, 'ready');
    for (let i = 0; i < 3; i++) {
      const res = await fetch(cut.url('/while-down'), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'https://example.com/down');
    }
    assert.equal(cut.web.clicks.pending, 3, 'held in the click buffer');

    forwarder = await forwardToRedis(port);
    await waitFor(async () => Number((await healthy.services.db('links').where({ id: link.id }).first()).click_count) === 3, { timeoutMs: 15_000, what: 'held clicks counted after Redis returned' });
    assert.equal(cut.web.clicks.pending, 0);
  });

  it('refuses password checks (fail closed) while Redis is away, but still shows the form', async () => {
    await forwarder?.close();
    forwarder = undefined;
    await waitFor(() => cut.services.redis.status !== 'ready', { what: 'redis gone again' });
    await createLink(healthy.services.db, { user_id: account.user.id, destination_url: 'https://example.com/pw', short_code: 'pw-down', password_hash: await hashPassword('pw') });
    const form = await fetch(cut.url('/pw-down'), { redirect: 'manual' });
    assert.equal(form.status, 200);
    const res = await fetch(cut.url('/pw-down'), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'password=pw' });
    assert.equal(res.status, 503);
    assert.ok(res.headers.get('retry-after'));
    assert.match(await res.text(), /temporarily unavailable/);
  });

  it('still picks up a change within the cache TTL when no invalidation can arrive', async () => {
    await forwarder?.close();
    forwarder = undefined;
    const link = await createLink(healthy.services.db, { user_id: account.user.id, destination_url: 'https://example.com/v1', short_code: 'ttl-backstop' });
    const location = async () => (await fetch(cut.url('/ttl-backstop'), { redirect: 'manual' })).headers.get('location');
    assert.equal(await location(), 'https://example.com/v1');
    await healthy.services.db('links').where({ id: link.id }).update({ destination_url: 'https://example.com/v2' });
    const changedAt = Date.now();
    await waitFor(async () => (await location()) === 'https://example.com/v2', { timeoutMs: 3000, what: 'change seen after the TTL' });
    assert.ok(Date.now() - changedAt < 2500, 'within about one TTL');
  });
});
