import assert from 'node:assert/strict';
import { emitWebhook } from '../../src/domain/webhooks/emit';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { useStackWithAccount } from '../helpers/use-stack';
import { waitFor } from '../helpers/wait';

/**
 * The real 1 s / 5 s / 30 s schedule, without waiting 36 s: after each failed attempt the test
 * reads where BullMQ parked the job (its delay, and its due time in the delayed set) and
 * compares it with the recorded attempt, then promotes the job instead of sleeping.
 */
describe('Webhook retry schedule, real offsets', () => {
  const { stack, account } = useStackWithAccount({ workers: true }); // default WEBHOOK_RETRY_DELAYS_MS
  let receiver: Receiver;
  beforeEach(async () => {
    receiver = await startReceiver((n) => ({ status: n < 3 ? 500 : 200 }));
  });
  afterEach(() => receiver.close());

  it('parks a failed delivery for 1 s, then 5 s, then 30 s after the attempt, and succeeds on the fourth', async () => {
    assert.deepEqual(stack.services.config.webhookRetryDelaysMs, [1000, 5000, 30000]);
    await stack.services.db('users').where({ id: account.user.id }).update({ webhook_url: receiver.url });
    await emitWebhook(stack.services, account.user.id, 'link.created', { link: { id: 1, short_code: 'abc', title: null } });
    const delivery = await stack.services.db('webhook_deliveries').first('id');
    const queue = stack.services.queues.queue('webhooks');
    const jobId = `wh-${String(delivery.id)}-s1`;

    for (const [i, expected] of [1000, 5000, 30000].entries()) {
      const job = await waitFor(async () => {
        const found = await queue.getJob(jobId);
        return found && (await found.getState()) === 'delayed' && found.attemptsMade === i + 1 && found;
      }, { what: `job parked after attempt ${i + 1}` });
      assert.equal(job.delay, expected, `BullMQ delay after attempt ${i + 1}`);
      const score = Number(await stack.services.redis.zscore(queue.keys.delayed as string, jobId));
      const due = Math.floor(score / 0x1000);
      const attempt = await stack.services.db('webhook_attempts').where({ delivery_id: delivery.id, attempt: i + 1 }).first();
      const attemptEnded = attempt.started_at.getTime() + attempt.duration_ms;
      assert.ok(Math.abs(due - attemptEnded - expected) < 300, `due ${due - attemptEnded} ms after attempt ${i + 1} ended, expected ${expected}`);
      const row = await stack.services.db('webhook_deliveries').where({ id: delivery.id }).first();
      assert.ok(Math.abs(row.next_attempt_at.getTime() - due) < 300, 'next_attempt_at shows when the retry is due');
      await job.promote();
    }
    await waitFor(async () => (await stack.services.db('webhook_deliveries').where({ id: delivery.id }).first())?.status === 'succeeded', { what: 'success on attempt 4' });
    assert.equal(receiver.received.length, 4);
    assert.equal(new Set(receiver.received.map((r) => r.headers['x-pvtlnk-delivery'])).size, 1);
  });
});
