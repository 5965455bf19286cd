import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { emitWebhook } from '../../src/domain/webhooks/emit';
import { pvtlnkSignature } from '../../src/domain/webhooks/signing';
import { MAINTENANCE_SCHEDULER_ID, scheduleWebhookMaintenance } from '../../src/queues/repeating-jobs';
import { maintainWebhooks } from '../../src/workers/maintain-webhooks';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

describe('Webhook deliveries API', () => {
  const { stack, account } = useStackWithAccount({ workers: true, env: { WEBHOOK_RETRY_DELAYS_MS: '10,10,10' } });
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
    await stack.services.db('users').where({ id: account.user.id }).update({ webhook_url: receiver.url });
  });
  afterEach(() => receiver.close());

  const emit = (shortCode: string, who = account) => emitWebhook(stack.services, who.user.id, 'link.created', { link: { id: 1, short_code: shortCode, title: null } });

  async function list(query = '', who = account) {
    return request(stack.url(`/api/v1/webhooks/deliveries${query}`), { headers: who.auth });
  }

  it('sends a signed webhook.test on request, which then shows in the delivery log', async () => {
    await request(stack.url('/api/v1/settings'), { method: 'PATCH', headers: account.auth, json: { webhook_secret: 'test-delivery-secret' } });
    const res = await request(stack.url('/api/v1/webhooks/test'), { method: 'POST', headers: account.auth });
    assert.equal(res.status, 202);
    assert.equal(res.body.delivery.event, 'webhook.test');
    const [got] = await waitFor(() => receiver.received.length === 1 && receiver.received, { what: 'the test delivery' });
    assert.equal(JSON.parse(got?.rawBody ?? '{}').event, 'webhook.test');
    assert.equal(got?.headers['x-pvtlnk-signature'], pvtlnkSignature('test-delivery-secret', got?.rawBody ?? ''));
    const listed = await waitFor(async () => {
      const all = await list('?event=webhook.test');
      return all.body.deliveries[0]?.status === 'succeeded' && all.body.deliveries;
    }, { what: 'the delivery to succeed' });
    assert.equal(listed[0].id, res.body.delivery.id);
  });

  it('answers the test delivery with 422 without a webhook URL and 403 on a plan without webhooks', async () => {
    await stack.services.db('users').where({ id: account.user.id }).update({ webhook_url: null });
    assert.equal((await request(stack.url('/api/v1/webhooks/test'), { method: 'POST', headers: account.auth })).status, 422);
    const free = await createAccount(stack.services, { plan: 'pro' });
    await stack.services.db('users').where({ id: free.user.id }).update({ webhook_url: receiver.url });
    assert.equal((await request(stack.url('/api/v1/webhooks/test'), { method: 'POST', headers: free.auth })).status, 403);
  });

  it('lists deliveries newest first with their attempts, paginated like links, filtered by status and event', async () => {
    receiver.reply = (n) => ({ status: n === 0 ? 200 : 500 });
    await emit('first');
    await drainQueues(stack.services);
    await emit('second');
    await emitWebhook(stack.services, account.user.id, 'subscription.updated', { subscription: { plan: 'enterprise', previous_plan: 'pro', updated_at: '2026-01-01T00:00:00Z' } });
    await drainQueues(stack.services);

    const all = await list('?per_page=2');
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.pagination, { page: 1, per_page: 2, total: 3, total_pages: 2 });
    assert.equal(all.body.deliveries.length, 2);
    const page2 = await list('?per_page=2&page=2');
    assert.equal(page2.body.deliveries.length, 1);
    assert.equal(page2.body.deliveries[0].payload.data.link.short_code, 'first');
    assert.equal(page2.body.deliveries[0].status, 'succeeded');
    assert.equal(page2.body.deliveries[0].attempts.length, 1);
    assert.equal(page2.body.deliveries[0].attempts[0].status_code, 200);

    const failed = await list('?status=failed');
    assert.equal(failed.body.deliveries.length, 2);
    assert.ok(failed.body.deliveries.every((d: any) => d.attempts.length === 4));
    const subs = await list('?event=subscription.updated');
    assert.equal(subs.body.deliveries.length, 1);
    assert.equal(subs.body.deliveries[0].event, 'subscription.updated');
  });

  it('answers 400 in the envelope for bad filters and page sizes', async () => {
    for (const query of ['?status=lost', '?event=link.deleted', '?per_page=101', '?page=0', '?page=x', '?colour=red']) {
      const res = await list(query);
      assert.equal(res.status, 400, query);
      assert.equal(res.body.success, false);
      assert.equal(typeof res.body.error, 'string');
    }
  });

  it('shows a user only their own deliveries', async () => {
    const other = await createAccount(stack.services);
    await emit('mine');
    await drainQueues(stack.services);
    assert.equal((await list('', other)).body.deliveries.length, 0);
    const [delivery] = (await list()).body.deliveries;
    const res = await request(stack.url(`/api/v1/webhooks/deliveries/${delivery.id}/redeliver`), { method: 'POST', headers: other.auth });
    assert.equal(res.status, 404);
  });

  it('redelivers a failed delivery as a new series of attempts with the same delivery id and body', async () => {
    receiver.reply = (n) => ({ status: n < 4 ? 500 : 200 });
    await emit('again');
    await drainQueues(stack.services);
    const [failed] = (await list()).body.deliveries;
    assert.equal(failed.status, 'failed');

    const res = await request(stack.url(`/api/v1/webhooks/deliveries/${failed.id}/redeliver`), { method: 'POST', headers: account.auth });
    assert.equal(res.status, 202);
    assert.equal(res.body.delivery.status, 'pending');
    assert.equal(res.body.delivery.series, 2);
    await waitFor(async () => (await list()).body.deliveries[0].status === 'succeeded', { what: 'redelivery succeeded' });

    const [done] = (await list()).body.deliveries;
    assert.deepEqual(done.attempts.map((a: any) => [a.series, a.attempt, a.succeeded]), [[1, 1, false], [1, 2, false], [1, 3, false], [1, 4, false], [2, 1, true]]);
    assert.equal(new Set(receiver.received.map((r) => r.headers['x-pvtlnk-delivery'])).size, 1);
    assert.equal(new Set(receiver.received.map((r) => r.rawBody)).size, 1);
  });

  it('refuses to redeliver while a delivery is pending (409), an unknown id (404), and without the plan (403)', async () => {
    receiver.reply = () => 'hang';
    await emit('slow');
    const delivery = await stack.services.db('webhook_deliveries').first('id');
    const pending = await request(stack.url(`/api/v1/webhooks/deliveries/${String(delivery.id)}/redeliver`), { method: 'POST', headers: account.auth });
    assert.equal(pending.status, 409);
    assert.deepEqual(pending.body, { success: false, error: 'Delivery is still being attempted' });
    for (const id of [randomUUID(), 'not-a-uuid']) {
      const res = await request(stack.url(`/api/v1/webhooks/deliveries/${id}/redeliver`), { method: 'POST', headers: account.auth });
      assert.equal(res.status, 404, id);
    }
    await stack.services.db('webhook_deliveries').update({ status: 'failed' });
    await stack.services.db('users').where({ id: account.user.id }).update({ plan: 'pro' });
    const gated = await request(stack.url(`/api/v1/webhooks/deliveries/${String(delivery.id)}/redeliver`), { method: 'POST', headers: account.auth });
    assert.equal(gated.status, 403);
    assert.equal(gated.body.error, 'Feature not available on your plan');
  });

  it('prunes finished deliveries older than the retention, keeping recent and pending ones', async () => {
    await emit('old');
    await emit('recent');
    await drainQueues(stack.services);
    const [oldest] = await stack.services.db('webhook_deliveries').orderBy('created_at').limit(1).select('id');
    await stack.services.db('webhook_deliveries').where({ id: oldest.id }).update({ created_at: new Date(Date.now() - 31 * 86_400_000) });
    await stack.services.db('webhook_deliveries').insert({ id: randomUUID(), user_id: account.user.id, event: 'link.created', event_id: 'x', body: '{}', status: 'pending', created_at: new Date(Date.now() - 40 * 86_400_000), last_attempt_at: new Date() });
    const result = await maintainWebhooks(stack.services);
    assert.equal(result.pruned, 1);
    const left = await stack.services.db('webhook_deliveries').select('status');
    assert.deepEqual(left.map((r) => r.status).sort(), ['pending', 'succeeded']);
    assert.equal((await stack.services.db('webhook_attempts').where({ delivery_id: oldest.id }).count({ n: '*' }))[0]?.n, 0);
  });

  it('queues again a pending delivery whose job was lost, and it is delivered', async () => {
    const id = randomUUID();
    const body = JSON.stringify({ id: 'e1', event: 'link.created', timestamp: '2026-01-01T00:00:00Z', version: '1.0', data: { link: { id: 1, short_code: 'lost', title: null } } });
    await stack.services.db('webhook_deliveries').insert({ id, user_id: account.user.id, event: 'link.created', event_id: 'e1', body, created_at: new Date(Date.now() - 3600_000) });
    const result = await maintainWebhooks(stack.services);
    assert.equal(result.requeued, 1);
    await waitFor(() => receiver.received.length === 1, { what: 'the lost delivery sent' });
    assert.equal(receiver.received[0]?.rawBody, body);
  });

  it('registers the maintenance job as one recurring scheduler, however many workers ask', async () => {
    await scheduleWebhookMaintenance(stack.services);
    await scheduleWebhookMaintenance(stack.services);
    const schedulers = await stack.services.queues.queue('webhooks').getJobSchedulers();
    assert.deepEqual(schedulers.map((s) => [s.key, s.every]), [[MAINTENANCE_SCHEDULER_ID, '300000']].map(([k, e]) => [k, Number(e)]));
    await stack.services.queues.queue('webhooks').removeJobScheduler(MAINTENANCE_SCHEDULER_ID);
    await stack.services.queues.queue('webhooks').drain(true);
  });
});
