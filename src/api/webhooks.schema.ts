import { z } from 'zod';
import { DELIVERY_STATUSES, type AttemptRow, type DeliveryRow } from '../db/webhook-store';
import { WEBHOOK_EVENTS } from '../domain/webhooks/events';
import { queryInt } from '../lib/schemas';

export const listDeliveriesQuery = z
  .object({
    page: queryInt(1, 1_000_000).optional(),
    per_page: queryInt(1, 100).optional(),
    status: z.enum(DELIVERY_STATUSES, { error: `Status must be one of ${DELIVERY_STATUSES.join(', ')}` }).optional(),
    event: z.enum(WEBHOOK_EVENTS, { error: `Event must be one of ${WEBHOOK_EVENTS.join(', ')}` }).optional(),
  })
  .strict();

export const deliveryIdParam = z.object({ id: z.uuid() });

const attemptObject = z.object({
  series: z.number().int(),
  attempt: z.number().int(),
  url: z.string(),
  attempted_at: z.string(),
  duration_ms: z.number().int(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  succeeded: z.boolean(),
}).meta({ id: 'WebhookAttempt' });

export const deliveryObject = z.object({
  id: z.string(),
  event: z.string(),
  event_id: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  series: z.number().int(),
  attempt_count: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  last_attempt_at: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  payload: z.unknown(),
  attempts: z.array(attemptObject),
}).meta({ id: 'WebhookDelivery' });
export type DeliveryObject = z.infer<typeof deliveryObject>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentDelivery(row: DeliveryRow, attempts: readonly AttemptRow[]): DeliveryObject {
  return {
    id: row.id,
    event: row.event,
    event_id: row.event_id,
    status: row.status,
    series: row.series,
    attempt_count: row.attempt_count,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    created_at: row.created_at.toISOString(),
    last_attempt_at: iso(row.last_attempt_at),
    next_attempt_at: iso(row.next_attempt_at),
    completed_at: iso(row.completed_at),
    payload: JSON.parse(row.body) as unknown,
    attempts: attempts.map((a) => ({
      series: a.series, attempt: a.attempt, url: a.url, attempted_at: a.started_at.toISOString(), duration_ms: a.duration_ms,
      status_code: a.status_code, error: a.error, succeeded: a.succeeded,
    })),
  };
}
