import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { AFTER_INSERT, storeClicks, type ClickRow } from '../../src/db/click-store';
import type { ClickEvent } from '../../src/lib/edge-events';
import { bullPrefix, QueueRegistry } from '../../src/queues/registry';
import { createRedis } from '../../src/redis';
import { clickWebhookStep } from '../../src/domain/webhooks/click-events';
import { ingestClicks, enrichClick } from '../../src/workers/ingest-clicks';
import { maintainWebhooks, STALE_PENDING_MS } from '../../src/workers/maintain-webhooks';
import { request } from '../helpers/http';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('link.clicked deliveries survive a worker crash at any point of a click batch', () => {
  const { stack, account } = useStackWithAccount({ workers: { queues: ['webhooks'] } });
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
    const res = await request(stack.url('/api/v1/settings'), { method: 'PATCH', headers: account.auth, json: { webhook_url: receiver.url, webhook_secret: null } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  });
  afterEach(() => receiver.close());

  async function linkWithClicks(n: number): Promise<{ linkId: number; events: ClickEvent[] }> {
    const [row] = await stack.services.db('links').insert({ user_id: account.user.id, short_code: `w${randomUUID().slice(0, 8)}`, destination_url: 'https://example.com' }).returning('id');
    const events = Array.from({ length: n }, (): ClickEvent => ({ id: randomUUID(), linkId: row.id, userId: account.user.id, variantId: null, at: Date.now(), ip: '81.2.69.160', userAgent: UA, referrer: null }));
    return { linkId: row.id, events };
  }

  async function counts(linkId: number): Promise<{ clicks: number; deliveries: number; clickCount: number }> {
    const [clicks] = await stack.services.db('clicks').where({ link_id: linkId }).count<Array<{ n: number }>>({ n: '*' });
    const [deliveries] = await stack.services.db('webhook_deliveries').where({ event: 'link.clicked' }).count<Array<{ n: number }>>({ n: '*' });
    const link = await stack.services.db('links').where({ id: linkId }).first('click_count');
    return { clicks: Number(clicks?.n), deliveries: Number(deliveries?.n), clickCount: link.click_count };
  }

  it('writes the deliveries with the clicks: a batch that dies before its commit leaves neither, and its retries write each once', async () => {
    const { linkId, events } = await linkWithClicks(3);
    const rows: ClickRow[] = events.map((e) => enrichClick(stack.services.config.appSecret, e));
    const dies = async () => {
      throw new Error('worker died before the commit');
    };
    await assert.rejects(storeClicks(stack.services.db, rows, [...AFTER_INSERT, clickWebhookStep(stack.services), dies]), /worker died/);
    assert.deepEqual(await counts(linkId), { clicks: 0, deliveries: 0, clickCount: 0 });

    await ingestClicks(stack.services, { events });
    await ingestClicks(stack.services, { events }); // redelivered after a crash past the commit
    assert.deepEqual(await counts(linkId), { clicks: 3, deliveries: 3, clickCount: 3 });
    await waitFor(() => receiver.received.length === 3, { what: 'three link.clicked deliveries' });
  });

  it('still delivers a batch whose worker died after the commit but before queueing its delivery jobs', async () => {
    const { linkId, events } = await linkWithClicks(2);
    // This worker's Redis is gone when the commit lands: its delivery jobs are never queued.
    const deadRedis = createRedis(stack.services.config.redisUrl, 'command');
    deadRedis.disconnect();
    const deadQueues = new QueueRegistry(deadRedis, bullPrefix(stack.services.config.redisPrefix));
    try {
      await ingestClicks({ ...stack.services, queues: deadQueues }, { events });
    } catch {
      // the rollup request after the commit fails too; the clicks and deliveries are committed
    } finally {
      await deadQueues.close().catch(() => undefined);
    }
    assert.deepEqual(await counts(linkId), { clicks: 2, deliveries: 2, clickCount: 2 });
    assert.equal(await stack.services.queues.queue('webhooks').count(), 0);
    const unsent = await stack.services.db('webhook_deliveries').where({ event: 'link.clicked', status: 'pending', attempt_count: 0 }).count<Array<{ n: number }>>({ n: '*' });
    assert.equal(Number(unsent[0]?.n), 2, 'committed, never queued, never attempted');

    const { requeued } = await maintainWebhooks(stack.services, new Date(Date.now() + STALE_PENDING_MS + 1000));
    assert.equal(requeued, 2);
    const got = await waitFor(() => receiver.received.length === 2 && receiver.received, { what: 'the swept deliveries' });
    const clickIds = got.map((r) => JSON.parse(r.rawBody).data.click.id).sort();
    const stored = (await stack.services.db('clicks').where({ link_id: linkId }).select('id')).map((r) => r.id).sort();
    assert.deepEqual(clickIds, stored);
  });
});
