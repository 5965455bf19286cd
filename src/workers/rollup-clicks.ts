import { rollupDue, type RollupResult } from '../db/rollup-store';
import { enqueueClickRollup } from '../queues/rollups';
import type { Services } from '../services';

/**
 * Processor of `rollup-clicks`: recomputes the daily aggregates of every link-day that is due,
 * then books the next run for whatever is still pending (a hot link-day waiting out its delay).
 * Recomputing is idempotent, so a duplicate or retried job is harmless.
 */
export async function rollupClicks(services: Services): Promise<RollupResult> {
  const maxUserDays = 500;
  const result = await rollupDue(services.db, { maxUserDays, retentionDays: services.config.clickRetentionDays });
  if (result.nextDueAt) {
    const next = result.userDays >= maxUserDays ? Date.now() : result.nextDueAt.getTime();
    await enqueueClickRollup(services.queues, next, Math.floor(Date.now() / 1000) + 1);
  }
  return result;
}
