import { pruneDeliveries, stalePendingDeliveries } from '../db/webhook-store';
import type { Services } from '../services';
import { enqueueDeliveries } from '../domain/webhooks/emit';

/** A pending delivery untouched this long has lost its job (Redis was away when it was queued). */
export const STALE_PENDING_MS = 10 * 60_000;

/**
 * Processor of `maintain-webhooks` (every 5 minutes): deletes finished deliveries older than
 * WEBHOOK_RETENTION_DAYS, and queues again any pending delivery whose job was lost. Re-queuing
 * uses the delivery's stable job id, so a delivery whose job is alive is not sent twice.
 */
export async function maintainWebhooks(services: Services, now: Date = new Date()): Promise<{ pruned: number; requeued: number }> {
  const retentionMs = services.config.webhookRetentionDays * 24 * 3600_000;
  const pruned = await pruneDeliveries(services.db, new Date(now.getTime() - retentionMs));
  const stale = await stalePendingDeliveries(services.db, new Date(now.getTime() - STALE_PENDING_MS));
  await enqueueDeliveries(services, stale.map((d) => ({ deliveryId: d.id, series: d.series })));
  if (pruned > 0 || stale.length > 0) services.logger.info({ category: 'webhooks', pruned, requeued: stale.length }, 'webhook maintenance');
  return { pruned, requeued: stale.length };
}
