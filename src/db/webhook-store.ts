import type { Plan } from '../lib/plans';
import type { Db } from './knex';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookTarget {
  id: number;
  plan: Plan;
  webhook_url: string | null;
  webhook_secret_encrypted: string | null;
  attribution_window_days: number;
}

export interface DeliveryRow {
  id: string;
  user_id: number;
  event: string;
  event_id: string;
  body: string;
  status: DeliveryStatus;
  series: number;
  attempt_count: number;
  last_status_code: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
  completed_at: Date | null;
}

export interface AttemptRow {
  id: number;
  delivery_id: string;
  series: number;
  attempt: number;
  url: string;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  succeeded: boolean;
}

export type NewDelivery = Pick<DeliveryRow, 'id' | 'user_id' | 'event' | 'event_id' | 'body'>;

export async function findWebhookTargets(db: Db, userIds: readonly number[]): Promise<WebhookTarget[]> {
  if (userIds.length === 0) return [];
  return db('users').whereIn('id', [...new Set(userIds)]).whereNotNull('webhook_url').select('id', 'plan', 'webhook_url', 'webhook_secret_encrypted', 'attribution_window_days');
}

export async function findWebhookTarget(db: Db, userId: number): Promise<WebhookTarget | undefined> {
  return db('users').where({ id: userId }).first('id', 'plan', 'webhook_url', 'webhook_secret_encrypted', 'attribution_window_days');
}

export async function updateWebhookSettings(db: Db, userId: number, changes: Partial<{ attribution_window_days: number; webhook_url: string | null; webhook_secret_encrypted: string | null }>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db('users').where({ id: userId }).update({ ...changes, updated_at: db.fn.now() });
}

export async function insertDeliveries(db: Db, deliveries: readonly NewDelivery[]): Promise<void> {
  if (deliveries.length > 0) await db('webhook_deliveries').insert(deliveries);
}

export async function findDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return db<DeliveryRow>('webhook_deliveries').where({ id }).first();
}

/** Tenancy: another user's delivery is simply not found. */
export async function findUserDelivery(db: Db, userId: number, id: string): Promise<DeliveryRow | undefined> {
  return db<DeliveryRow>('webhook_deliveries').where({ id, user_id: userId }).first();
}

export interface AttemptRecord {
  deliveryId: string;
  series: number;
  attempt: number;
  url: string;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
  /** The delivery's status after this attempt, and when the next one is due (pending only). */
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

/** Records one attempt and moves the delivery's summary with it, in one transaction; a stale series changes nothing. */
export async function recordAttempt(db: Db, a: AttemptRecord): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('webhook_attempts').insert({
      delivery_id: a.deliveryId, series: a.series, attempt: a.attempt, url: a.url, started_at: a.startedAt,
      duration_ms: a.durationMs, status_code: a.statusCode, error: a.error, succeeded: a.succeeded,
    });
    await trx('webhook_deliveries').where({ id: a.deliveryId, series: a.series }).update({
      attempt_count: trx.raw('attempt_count + 1'),
      last_status_code: a.statusCode,
      last_error: a.error,
      last_attempt_at: a.startedAt,
      status: a.status,
      next_attempt_at: a.nextAttemptAt,
      completed_at: a.status === 'pending' ? null : trx.fn.now(),
    });
  });
}

/** Ends a delivery without an attempt (the receiver was removed, or the plan no longer has webhooks). */
export async function failDelivery(db: Db, id: string, series: number, error: string): Promise<void> {
  await db('webhook_deliveries').where({ id, series, status: 'pending' }).update({ status: 'failed', last_error: error, next_attempt_at: null, completed_at: db.fn.now() });
}

/** Starts a new attempt series; undefined when the delivery is not the user's or is still pending. */
export async function beginRedelivery(db: Db, userId: number, id: string): Promise<DeliveryRow | undefined> {
  const [row] = await db<DeliveryRow>('webhook_deliveries')
    .where({ id, user_id: userId })
    .whereNot({ status: 'pending' })
    .update({ status: 'pending', series: db.raw('series + 1') as unknown as number, last_error: null, next_attempt_at: db.fn.now() as unknown as Date, completed_at: null })
    .returning('*');
  return row;
}

export interface DeliveryFilter {
  page: number;
  perPage: number;
  status?: DeliveryStatus;
  event?: string;
}

export async function listDeliveries(db: Db, userId: number, filter: DeliveryFilter): Promise<{ rows: DeliveryRow[]; total: number; attempts: AttemptRow[] }> {
  const base = db<DeliveryRow>('webhook_deliveries').where({ user_id: userId });
  if (filter.status) base.where({ status: filter.status });
  if (filter.event) base.where({ event: filter.event });
  const [countRow] = await base.clone().count<Array<{ n: string | number }>>({ n: '*' });
  const rows = await base.clone().orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(filter.perPage).offset((filter.page - 1) * filter.perPage).select('*');
  const attempts = rows.length === 0 ? [] : await db<AttemptRow>('webhook_attempts').whereIn('delivery_id', rows.map((r) => r.id)).orderBy([{ column: 'started_at' }, { column: 'id' }]);
  return { rows, total: Number(countRow?.n ?? 0), attempts };
}

/** Deletes finished deliveries (and, by cascade, their attempts) created before `before`, in bounded batches. */
export async function pruneDeliveries(db: Db, before: Date, batchSize = 5_000): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await db.raw<{ rowCount: number }>(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE created_at < ? AND status <> 'pending' LIMIT ?)`,
      [before, batchSize],
    );
    total += result.rowCount;
    if (result.rowCount < batchSize) return total;
  }
}

/** Pending deliveries untouched since `before`: their job may have been lost (Redis down at enqueue). */
export async function stalePendingDeliveries(db: Db, before: Date, limit = 1_000): Promise<Array<Pick<DeliveryRow, 'id' | 'series'>>> {
  return db<DeliveryRow>('webhook_deliveries')
    .where({ status: 'pending' })
    .where('created_at', '<', before)
    .where((q) => q.whereNull('last_attempt_at').orWhere('last_attempt_at', '<', before))
    .orderBy('created_at')
    .limit(limit)
    .select('id', 'series');
}
