import { webhookOutcomes } from '../lib/metrics';
import { DelayedError, type Job } from 'bullmq';
import { failDelivery, findDelivery, findWebhookTarget, recordAttempt } from '../db/webhook-store';
import { planAllows } from '../lib/plans';
import type { JobPayloads } from '../queues/registry';
import { decryptSecret } from '../lib/secrets';
import type { Services } from '../services';
import { acquireReceiverSlot, receiverOrigin } from '../domain/webhooks/receiver-slots';
import { retryDelay } from '../domain/webhooks/retry-schedule';
import { sendWebhook } from '../domain/webhooks/send';
import { deliveryHeaders } from '../domain/webhooks/signing';

/** What the processor needs from its BullMQ job; tests pass their own. */
export interface AttemptContext {
  /** Failed attempts so far in this series (BullMQ's attemptsMade). */
  attemptsMade: number;
  maxAttempts: number;
  /** Puts the job back for `ms` without spending an attempt (the receiver is at its ceiling). */
  postpone(ms: number): Promise<never>;
}

export function jobAttemptContext(job: Job, token: string | undefined): AttemptContext {
  return {
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    async postpone(ms) {
      await job.moveToDelayed(Date.now() + ms, token);
      throw new DelayedError();
    },
  };
}

/** A receiver at its ceiling is retried this soon (plus jitter, so waiting jobs do not move in lockstep): about one fast attempt. */
const POSTPONE_MIN_MS = 20;
const POSTPONE_JITTER_MS = 60;

export type DeliveryOutcome = 'succeeded' | 'failed' | 'retrying' | 'skipped';

/**
 * Processor of `deliver-webhook`: one attempt of one delivery. Sends the stored body, signed,
 * to the user's current URL within the timeout, records the attempt, and throws on a failure
 * that has attempts left so BullMQ retries it on the 1s/5s/30s schedule.
 */
export async function deliverWebhook(services: Services, data: JobPayloads['deliver-webhook'], ctx: AttemptContext): Promise<DeliveryOutcome> {
  const { config, db, logger } = services;
  const delivery = await findDelivery(db, data.deliveryId);
  // Pruned, finished, or superseded by a redelivery: nothing to do.
  if (!delivery || delivery.series !== data.series || delivery.status !== 'pending') return 'skipped';

  const target = await findWebhookTarget(db, delivery.user_id);
  const allowed = target && (planAllows(target.plan, 'webhooks') || delivery.event === 'subscription.updated');
  if (!target?.webhook_url || !allowed) {
    await failDelivery(db, delivery.id, delivery.series, target?.webhook_url ? 'The plan no longer includes webhooks' : 'No webhook URL is configured');
    return 'skipped';
  }
  let secret: string | null = null;
  try {
    secret = target.webhook_secret_encrypted ? decryptSecret(config.appSecret, target.webhook_secret_encrypted) : null;
  } catch {
    await failDelivery(db, delivery.id, delivery.series, 'The webhook secret could not be decrypted (was APP_SECRET changed?)');
    return 'skipped';
  }

  const url = target.webhook_url;
  const slot = await acquireReceiverSlot(services.redis, config, receiverOrigin(url), `${delivery.id}:${delivery.series}:${ctx.attemptsMade}`);
  if (!slot) return ctx.postpone(POSTPONE_MIN_MS + Math.floor(Math.random() * POSTPONE_JITTER_MS));

  const startedAt = new Date();
  const headers = deliveryHeaders({ event: delivery.event, deliveryId: delivery.id, body: delivery.body, secret, now: startedAt });
  const outcome = await sendWebhook(url, headers, delivery.body, { timeoutMs: config.webhookTimeoutMs, allowPrivate: config.webhookAllowPrivate }).finally(() => slot.release().catch(() => undefined));

  const attempt = ctx.attemptsMade + 1;
  const final = outcome.ok || attempt >= ctx.maxAttempts;
  const status = outcome.ok ? 'succeeded' : final ? 'failed' : 'pending';
  webhookOutcomes.inc({ outcome: status === 'pending' ? 'retrying' : status });
  const nextAttemptAt = status === 'pending' ? new Date(Date.now() + retryDelay(config.webhookRetryDelaysMs, attempt)) : null;
  await recordAttempt(db, {
    deliveryId: delivery.id, series: delivery.series, attempt, url, startedAt, durationMs: outcome.durationMs,
    statusCode: outcome.statusCode, error: outcome.error, succeeded: outcome.ok, status, nextAttemptAt,
  });
  if (status === 'pending') throw new Error(outcome.error ?? 'Webhook attempt failed');
  if (status === 'failed') logger.warn({ category: 'webhooks', delivery: delivery.id, event: delivery.event, attempts: attempt, err: outcome.error }, 'webhook delivery failed after its last attempt');
  return status;
}
