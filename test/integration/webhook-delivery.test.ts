import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { changePlan } from '../../src/domain/accounts';
import { emitWebhook } from '../../src/domain/webhooks/emit';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { startReceiver, type Receiver, type Received } from '../helpers/receiver';
import { useStackWithAccount } from '../helpers/use-stack';
import { drainQueues, waitFor } from '../helpers/wait';

const SECRET = 'receiver-shared-secret-0123456789';
const DELAYS = [40, 200, 1000];

/** The receiver side of the PVTLNK recipe: HMAC of the raw body, compared in constant time. */
function pvtlnkVerifies(got: Received, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(got.rawBody).digest('hex');
  const provided = String(got.headers['x-pvtlnk-signature'] ?? '').replace(/^sha256=/, '');
  return expected.length === provided.length && timingSafeEqual(Buffer.from(expected), Buffer.from(provided));
}

/** The receiver side of Standard Webhooks, given the secret as whsec_ + base64 (how a plain secret maps). */
function standardWebhooksVerifies(got: Received, secret: string): boolean {
  const key = Buffer.from(secret, 'utf8');
  const signed = `${String(got.headers['webhook-id'])}.${String(got.headers['webhook-timestamp'])}.${got.rawBody}`;
  const expected = `v1,${createHmac('sha256', key).update(signed).digest('base64')}`;
  return String(got.headers['webhook-signature'] ?? '').split(' ').some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), Buffer.from(expected)));
}

describe('Webhook delivery', () => {
  const { stack, account } = useStackWithAccount({ workers: true, env: { WEBHOOK_RETRY_DELAYS_MS: DELAYS.join(','), WEBHOOK_TIMEOUT_MS: '400', WEBHOOK_RECEIVER_CONCURRENCY: '2' } });
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  async function configure(url: string, secret: string | null = SECRET, who: TestAccount = account): Promise<void> {
    const res = await request(stack.url('/api/v1/settings'), { method: 'PATCH', headers: who.auth, json: { webhook_url: url, webhook_secret: secret } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }

  async function createLink(title = 'My Link'): Promise<{ id: number; short_code: string }> {
    const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/x', title } } });
    assert.equal(res.status, 201);
    return res.body.link;
  }

  async function deliveries(query = ''): Promise<any[]> {
    const res = await request(stack.url(`/api/v1/webhooks/deliveries${query}`), { headers: account.auth });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.deliveries;
  }

  it('delivers link.created with the documented payload, headers and both signatures', async () => {
    await configure(receiver.url);
    const link = await createLink();
    const [got] = await waitFor(() => receiver.received.length === 1 && receiver.received, { what: 'one delivery' });
    assert.ok(got);
    const payload = JSON.parse(got.rawBody);
    assert.deepEqual(Object.keys(payload).sort(), ['data', 'event', 'id', 'timestamp', 'version']);
    assert.equal(payload.event, 'link.created');
    assert.equal(payload.version, '1.0');
    assert.match(payload.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(payload.id, /^[0-9a-f]{32}$/);
    assert.equal(payload.data.link.id, link.id);
    assert.equal(payload.data.link.short_code, link.short_code);
    assert.equal(got.headers['x-pvtlnk-event'], 'link.created');
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(got.headers['webhook-id'], got.headers['x-pvtlnk-delivery']);
    assert.ok(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000) < 30);
    assert.ok(pvtlnkVerifies(got, SECRET), 'X-PVTLNK-Signature verifies with the documented recipe');
    assert.ok(!pvtlnkVerifies(got, 'some-other-secret'), 'and not with another secret');
    assert.ok(standardWebhooksVerifies(got, SECRET), 'webhook-signature verifies as Standard Webhooks');
    await waitFor(async () => (await deliveries())[0]?.status === 'succeeded', { what: 'delivery recorded as succeeded' });
  });

  it('sends no signature headers when no secret is set', async () => {
    await configure(receiver.url, null);
    await createLink();
    const [got] = await waitFor(() => receiver.received.length === 1 && receiver.received, { what: 'one delivery' });
    assert.equal(got?.headers['x-pvtlnk-signature'], undefined);
    assert.equal(got?.headers['webhook-signature'], undefined);
  });

  it('retries a failing receiver on the schedule with the same delivery id until it answers 2xx', async () => {
    receiver.reply = (n) => ({ status: n < 3 ? [500, 404, 301][n] ?? 500 : 204, headers: n === 2 ? { location: 'http://127.0.0.1:1/' } : undefined });
    await configure(receiver.url);
    await createLink();
    await waitFor(async () => (await deliveries())[0]?.status === 'succeeded', { timeoutMs: 15_000, what: 'success on the fourth attempt' });
    assert.equal(receiver.received.length, 4);
    const ids = new Set(receiver.received.map((r) => r.headers['x-pvtlnk-delivery']));
    assert.equal(ids.size, 1, 'one delivery id across every attempt');
    assert.equal(new Set(receiver.received.map((r) => r.rawBody)).size, 1, 'the same body every time');
    assert.ok(receiver.received.every((r) => pvtlnkVerifies(r, SECRET)));

    const [delivery] = await deliveries();
    assert.equal(delivery.attempt_count, 4);
    assert.deepEqual(delivery.attempts.map((a: any) => a.status_code), [500, 404, 301, 204]);
    assert.deepEqual(delivery.attempts.map((a: any) => a.succeeded), [false, false, false, true]);
    assert.match(delivery.attempts[2].error, /Redirect \(HTTP 301\) not followed/);
    // Offsets between attempts: each gap is at least the scheduled delay, and not much more.
    const starts = delivery.attempts.map((a: any) => Date.parse(a.attempted_at));
    const gaps = starts.slice(1).map((t: number, i: number) => t - (starts[i] as number) - (delivery.attempts[i].duration_ms as number));
    gaps.forEach((gap: number, i: number) => {
      const expected = DELAYS[i] as number;
      assert.ok(gap >= expected - 5 && gap <= expected + 1000, `gap ${i + 1} was ${gap} ms, scheduled ${expected} ms`);
    });
  });

  it('marks the delivery failed after the fourth failed attempt', async () => {
    receiver.reply = () => ({ status: 503 });
    await configure(receiver.url);
    await createLink();
    await waitFor(async () => (await deliveries())[0]?.status === 'failed', { timeoutMs: 15_000, what: 'delivery failed' });
    const [delivery] = await deliveries('?status=failed');
    assert.equal(delivery.attempt_count, 4);
    assert.equal(delivery.last_status_code, 503);
    assert.equal(delivery.next_attempt_at, null);
    assert.equal(receiver.received.length, 4);
  });

  it('records a timeout for a receiver that hangs, and the next attempt succeeds', async () => {
    receiver.reply = (n) => (n === 0 ? 'hang' : { status: 200 });
    await configure(receiver.url);
    await createLink();
    await waitFor(async () => (await deliveries())[0]?.status === 'succeeded', { timeoutMs: 15_000, what: 'success after a timeout' });
    const [delivery] = await deliveries();
    assert.equal(delivery.attempts[0].error, 'Timed out after 400 ms');
    assert.equal(delivery.attempts[0].status_code, null);
    assert.ok(delivery.attempts[0].duration_ms >= 390);
  });

  it('never follows a redirect: the redirect target receives nothing', async () => {
    const elsewhere = await startReceiver();
    try {
      receiver.reply = () => ({ status: 302, headers: { location: elsewhere.url } });
      await configure(receiver.url);
      await createLink();
      await waitFor(async () => (await deliveries())[0]?.status === 'failed', { timeoutMs: 15_000, what: 'delivery failed' });
      assert.equal(elsewhere.received.length, 0);
      assert.ok((await deliveries())[0].attempts.every((a: any) => a.status_code === 302));
    } finally {
      await elsewhere.close();
    }
  });

  it('records a connection error as a failed attempt', async () => {
    const gone = await startReceiver();
    const url = gone.url;
    await gone.close();
    await configure(url);
    await createLink();
    await waitFor(async () => (await deliveries())[0]?.attempt_count >= 1, { what: 'an attempt recorded' });
    assert.match((await deliveries())[0].attempts[0].error, /ECONNREFUSED/);
  });

  it('delivers link.clicked for a person but not for a bot, with the documented data and the trigger of a QR scan', async () => {
    await configure(receiver.url);
    const link = await createLink('Clicked link');
    await waitFor(() => receiver.received.length === 1, { what: 'link.created' });
    await fetch(stack.url(`/${link.short_code}?qr=1`), { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1', referer: 'https://twitter.com/x' } });
    await fetch(stack.url(`/${link.short_code}`), { redirect: 'manual', headers: { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' } });
    await waitFor(async () => (await stack.services.db('clicks').count({ n: '*' }))[0]?.n === 2, { what: 'both clicks stored' });
    await drainQueues(stack.services);
    const clicked = receiver.received.map((r) => JSON.parse(r.rawBody)).filter((p) => p.event === 'link.clicked');
    assert.equal(clicked.length, 1);
    const [payload] = clicked;
    assert.deepEqual(payload.data.link, { id: link.id, short_code: link.short_code, title: 'Clicked link' });
    assert.deepEqual(Object.keys(payload.data.click).sort(), ['browser_family', 'clicked_at', 'country_code', 'device_type', 'id', 'os_family', 'referrer_domain', 'trigger']);
    assert.equal(payload.data.click.trigger, 'qr');
    assert.equal(payload.data.click.referrer_domain, 'twitter.com');
    assert.equal(payload.data.click.os_family, 'iOS');
    assert.equal(payload.data.variant, null);
  });

  it('fires subscription.updated when the plan changes, including the downgrade away from webhooks', async () => {
    await configure(receiver.url);
    await changePlan(stack.services, { email: account.user.email }, 'pro');
    const [got] = await waitFor(() => receiver.received.length === 1 && receiver.received, { what: 'subscription.updated' });
    const payload = JSON.parse(got?.rawBody ?? '{}');
    assert.equal(payload.event, 'subscription.updated');
    assert.equal(payload.data.subscription.plan, 'pro');
    assert.equal(payload.data.subscription.previous_plan, 'enterprise');
    // Now on pro: ordinary events are no longer delivered.
    await createLink();
    await drainQueues(stack.services);
    assert.equal(receiver.received.length, 1);
  });

  it('fires link.updated when a link is edited and when it is archived', async () => {
    await configure(receiver.url);
    const link = await createLink('Before');
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'PATCH', headers: account.auth, json: { link: { title: 'After' } } });
    await request(stack.url(`/api/v1/links/${link.id}`), { method: 'DELETE', headers: account.auth });
    await waitFor(() => receiver.received.length === 3, { what: 'three deliveries' });
    const events = receiver.received.map((got) => JSON.parse(got.rawBody) as { event: string; data: { link: { title: string; archived: boolean } } });
    const updates = events.filter((e) => e.event === 'link.updated');
    assert.equal(updates.length, 2);
    assert.ok(updates.some((e) => e.data.link.title === 'After' && !e.data.link.archived));
    assert.ok(updates.some((e) => e.data.link.archived));
  });

  it('fires conversion.tracked when a postback is recorded', async () => {
    await configure(receiver.url);
    const goal = await request(stack.url('/api/v1/conversion_goals'), { method: 'POST', headers: account.auth, json: { conversion_goal: { name: 'Purchase', currency: 'EUR' } } });
    assert.equal(goal.status, 201, JSON.stringify(goal.body));
    const token = goal.body.conversion_goal.postback_token;
    const tracked = await request(stack.url(`/api/conversions/track/${token}`), { method: 'POST', json: { value: 12.5, order_id: 'ORDER-1' } });
    assert.equal(tracked.status, 200, JSON.stringify(tracked.body));
    const [got] = await waitFor(() => receiver.received.length === 1 && receiver.received, { what: 'conversion.tracked' });
    const payload = JSON.parse(got?.rawBody ?? '{}');
    assert.equal(payload.event, 'conversion.tracked');
    assert.equal(payload.data.conversion.id, tracked.body.conversion_id);
    assert.equal(payload.data.conversion.order_id, 'ORDER-1');
    assert.equal(payload.data.conversion.value, 12.5);
    assert.equal(payload.data.conversion.attributed, false);
    assert.equal(payload.data.conversion.goal.name, 'Purchase');
  });

  it('sends nothing for users without a webhook URL or without the enterprise plan', async () => {
    const pro = await createAccount(stack.services, { plan: 'pro' });
    await stack.services.db('users').where({ id: pro.user.id }).update({ webhook_url: receiver.url });
    await emitWebhook(stack.services, pro.user.id, 'link.created', { link: { id: 1, short_code: 'x', title: null } });
    await emitWebhook(stack.services, account.user.id, 'link.created', { link: { id: 1, short_code: 'x', title: null } });
    await drainQueues(stack.services);
    assert.equal(receiver.received.length, 0);
    assert.equal((await stack.services.db('webhook_deliveries').count({ n: '*' }))[0]?.n, 0);
  });

  it('inside a transaction, writes the delivery with it and queues it only after commit; a rollback sends nothing', async () => {
    await configure(receiver.url);
    const link = { link: { id: 7, short_code: 'trx', title: null } };
    await stack.services.db
      .transaction(async (trx) => {
        await emitWebhook(stack.services, account.user.id, 'link.created', link, { trx });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await stack.services.db.transaction(async (trx) => {
      await emitWebhook(stack.services, account.user.id, 'link.updated', link, { trx });
      assert.equal(await stack.services.queues.queue('webhooks').count(), 0, 'nothing queued before commit');
    });
    await waitFor(() => receiver.received.length === 1, { what: 'the committed event' });
    await drainQueues(stack.services);
    assert.deepEqual(receiver.received.map((r) => JSON.parse(r.rawBody).event), ['link.updated']);
    assert.equal((await stack.services.db('webhook_deliveries').count({ n: '*' }))[0]?.n, 1);
  });

  it('keeps at most the per-receiver ceiling in flight and still delivers every event, without spending attempts', async () => {
    // A slow receiver: each answer takes 50 ms, so requests would pile up without the ceiling.
    receiver.reply = () => new Promise((resolve) => setTimeout(() => resolve({ status: 200 }), 50));
    await configure(receiver.url);
    for (let i = 0; i < 8; i++) await emitWebhook(stack.services, account.user.id, 'link.created', { link: { id: i, short_code: `c${i}`, title: null } });
    await waitFor(async () => (await deliveries('?status=succeeded')).length === 8, { timeoutMs: 15_000, what: 'all eight delivered' });
    assert.equal(receiver.maxInFlight, 2, 'the ceiling (2 here) is reached and never passed');
    assert.ok((await deliveries()).every((d) => d.attempt_count === 1), 'waiting for a slot is not an attempt');
  });

  it('keeps delivering to other receivers while one receiver hangs', async () => {
    const other = await createAccount(stack.services);
    const fast = await startReceiver();
    try {
      receiver.reply = () => 'hang';
      await configure(receiver.url);
      await configure(fast.url, null, other);
      for (let i = 0; i < 4; i++) await emitWebhook(stack.services, account.user.id, 'link.created', { link: { id: i, short_code: `s${i}`, title: null } });
      await waitFor(() => receiver.received.length === 2, { what: 'the hanging receiver holding its two slots' });
      await emitWebhook(stack.services, other.user.id, 'link.created', { link: { id: 9, short_code: 'fast', title: null } });
      await waitFor(() => fast.received.length === 1, { what: 'the other receiver served' });
      const finished = await stack.services.db('webhook_attempts as a').join('webhook_deliveries as d', 'd.id', 'a.delivery_id').where('d.user_id', account.user.id).count({ n: '*' });
      assert.equal(finished[0]?.n, 0, 'served while every attempt at the hanging receiver was still open');
    } finally {
      await fast.close();
    }
  });
});
