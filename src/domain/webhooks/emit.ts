import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { findWebhookTargets, insertDeliveries, type NewDelivery, type WebhookTarget } from '../../db/webhook-store';
import { isPlan, planAllows } from '../../lib/plans';
import type { JobPayloads } from '../../queues/registry';
import type { Services } from '../../services';
import { buildPayload, type WebhookEvent, type WebhookEventData } from './events';
import { deliveryJobOptions } from './retry-schedule';

/**
 * The one way the rest of Linktally raises a webhook event. Call it after your change has
 * committed; it never throws (a webhook must not fail the work that caused it):
 *
 *   await emitWebhook(services, userId, 'conversion.tracked', { conversion: {...}, link, variant });
 *
 * Only a user with a webhook URL on a plan with webhooks gets a delivery (subscription.updated
 * also reaches a user whose previous plan had them, so a downgrade is announced). Each delivery
 * is a row in webhook_deliveries (the exact body to send) and then a job on the `webhooks`
 * queue. Inside a transaction pass `{ trx }`: the row is written in it and the job is queued
 * only once it commits (nothing is queued on rollback). A job lost to a Redis outage is queued
 * again by the maintenance sweep, since its row stays pending.
 */
export interface WebhookEmission<E extends WebhookEvent = WebhookEvent> {
  userId: number;
  event: E;
  data: WebhookEventData[E];
}

export interface EmitOptions {
  trx?: Knex.Transaction;
}

export async function emitWebhook<E extends WebhookEvent>(services: Services, userId: number, event: E, data: WebhookEventData[E], options: EmitOptions = {}): Promise<void> {
  await emitWebhooks(services, [{ userId, event, data } as WebhookEmission], options);
}

function receives(target: WebhookTarget | undefined, emission: WebhookEmission): target is WebhookTarget {
  if (!target?.webhook_url) return false;
  if (planAllows(target.plan, 'webhooks')) return true;
  if (emission.event !== 'subscription.updated') return false;
  const previous = (emission.data as WebhookEventData['subscription.updated']).subscription.previous_plan;
  return isPlan(previous) && planAllows(previous, 'webhooks');
}

/** A delivery row for one event to one user: the exact body every attempt will send. */
export function newDelivery<E extends WebhookEvent>(userId: number, event: E, data: WebhookEventData[E]): NewDelivery {
  const payload = buildPayload(event, data);
  return { id: randomUUID(), user_id: userId, event, event_id: payload.id, body: JSON.stringify(payload) };
}

/** Many events at once (a batch of clicks): one query for the receivers, one insert, one bulk enqueue. Returns how many deliveries were created. */
export async function emitWebhooks(services: Services, emissions: readonly WebhookEmission[], options: EmitOptions = {}): Promise<number> {
  if (emissions.length === 0) return 0;
  const db = options.trx ?? services.db;
  let deliveries: NewDelivery[];
  try {
    const targets = new Map((await findWebhookTargets(db, emissions.map((e) => e.userId))).map((t) => [t.id, t]));
    deliveries = emissions
      .filter((e) => receives(targets.get(e.userId), e))
      .map((e) => newDelivery(e.userId, e.event, e.data));
    await insertDeliveries(db, deliveries);
  } catch (err) {
    if (options.trx) throw err; // inside a transaction the caller decides; its transaction is already failing
    services.logger.error({ category: 'webhooks', err: (err as Error).message, events: emissions.length }, 'could not record webhook deliveries');
    return 0;
  }
  if (deliveries.length === 0) return 0;
  const enqueue = () => enqueueDeliveries(services, deliveries.map((d) => ({ deliveryId: d.id, series: 1 })));
  if (options.trx) {
    options.trx.executionPromise.then(enqueue, () => undefined);
  } else {
    await enqueue();
  }
  return deliveries.length;
}

/** Queues delivery jobs; on failure the rows stay pending and the maintenance sweep queues them later. */
export async function enqueueDeliveries(services: Services, jobs: ReadonlyArray<JobPayloads['deliver-webhook']>): Promise<void> {
  if (jobs.length === 0) return;
  try {
    await services.queues.addBulk('deliver-webhook', jobs.map((data) => ({ data, opts: deliveryJobOptions(services.config, data.deliveryId, data.series) })));
  } catch (err) {
    services.logger.warn({ category: 'webhooks', err: (err as Error).message, deliveries: jobs.length }, 'could not queue webhook deliveries; the maintenance sweep will retry');
  }
}
