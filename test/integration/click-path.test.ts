import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { ClickEvent } from '../../src/lib/edge-events';
import { ingestClicks } from '../../src/workers/ingest-clicks';
import { sealEvents } from '../../src/queues/sealed-events';
import { request } from '../helpers/http';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('A click, end to end', () => {
  const { stack, account } = useStackWithAccount({ workers: true });

  async function createLink(destination = 'https://example.com/landing'): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: destination } } });
    assert.equal(res.status, 201);
    return res.body.link;
  }

  async function clickCount(id: number): Promise<number> {
    const res = await request(stack.url(`/api/v1/links/${id}`), { headers: account.auth });
    return res.body.link.click_count;
  }

  it('redirects with 302 and counts the click once the worker has stored it', async () => {
    const link = await createLink();
    const res = await fetch(stack.url(`/${link.short_code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER, referer: 'https://www.google.com/search?q=x' } });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/landing');
    assert.equal(res.headers.get('cache-control'), 'private, max-age=0');
    await waitFor(async () => (await clickCount(link.id)) === 1, { what: 'click_count 1' });
    const [click] = await stack.services.db('clicks').select('*');
    assert.equal(click.referrer_domain, 'google.com');
    assert.equal(click.browser_family, 'Chrome');
    assert.equal(click.os_family, 'macOS');
    assert.match(click.hashed_ip, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(click).includes('127.0.0.1'), 'the raw address is not stored');
  });

  it('answers the redirect without waiting for the queue (worker stopped, buffer holding)', async () => {
    const link = await createLink();
    await stack.workers?.workers[0]?.pause();
    try {
      const res = await fetch(stack.url(`/${link.short_code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      assert.equal(res.status, 302);
    } finally {
      stack.workers?.workers[0]?.resume();
    }
    await waitFor(async () => (await clickCount(link.id)) === 1, { what: 'click counted after resume' });
  });

  it('answers 404 for an unknown short code', async () => {
    const res = await fetch(stack.url('/no-such-code'), { redirect: 'manual' });
    assert.equal(res.status, 404);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  });

  it('counts a batch delivered twice only once (processor called twice)', async () => {
    const link = await createLink();
    const events: ClickEvent[] = Array.from({ length: 5 }, () => ({
      id: randomUUID(), linkId: link.id, userId: account.user.id, variantId: null, at: Date.now(), ip: '81.2.69.160', userAgent: BROWSER, referrer: null,
    }));
    const first = await ingestClicks(stack.services, { events });
    const second = await ingestClicks(stack.services, { events });
    assert.equal(first.length, 5);
    assert.equal(second.length, 0);
    assert.equal(await clickCount(link.id), 5);
  });

  it('counts a batch queued twice as two jobs only once', async () => {
    const link = await createLink();
    const events: ClickEvent[] = [{ id: randomUUID(), linkId: link.id, userId: account.user.id, variantId: null, at: Date.now(), ip: '81.2.69.160', userAgent: BROWSER, referrer: null }];
    await stack.services.queues.add('ingest-clicks', { sealed: sealEvents(stack.services.config.appSecret, events) });
    await stack.services.queues.add('ingest-clicks', { sealed: sealEvents(stack.services.config.appSecret, events) });
    await drainQueues(stack.services);
    assert.equal(await clickCount(link.id), 1);
    assert.equal((await stack.services.db('clicks').count({ n: '*' }))[0]?.n, 1);
  });

  it('stores a crawler click flagged as a bot and does not count it', async () => {
    const link = await createLink();
    await fetch(stack.url(`/${link.short_code}`), { redirect: 'manual', headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' } });
    await waitFor(async () => (await stack.services.db('clicks').count({ n: '*' }))[0]?.n === 1, { what: 'bot click stored' });
    const [click] = await stack.services.db('clicks').select('is_bot');
    assert.equal(click.is_bot, true);
    assert.equal(await clickCount(link.id), 0);
  });

  it('counts every one of many concurrent clicks exactly once', async () => {
    const link = await createLink();
    await Promise.all(Array.from({ length: 300 }, () => fetch(stack.url(`/${link.short_code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } })));
    await waitFor(async () => (await clickCount(link.id)) === 300, { what: '300 clicks counted', timeoutMs: 30_000 });
    await drainQueues(stack.services);
    assert.equal(await clickCount(link.id), 300);
  });
});
