import { rollupDue, type RollupResult } from '../db/rollup-store';
import type { QueueRegistry } from '../queues/registry';
import type { Services } from '../services';

/**
 * Asks for a rollup at (or just after) `at`. Job ids are per second, so every ingest batch in
 * the same second shares one delayed job (a debounce across all worker processes); a job that
 * already ran frees its id (removeOnComplete). `after` keeps a follow-up off the running job's id.
 */
export async function scheduleRollup(queues: QueueRegistry, at: number, after = 0): Promise<void> {
  const second = Math.max(Math.ceil(at / 1000), after);
  await queues.add('rollup-clicks', {}, { jobId: `rollup-${second}`, delay: Math.max(0, second * 1000 - Date.now()) });
}

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
    await scheduleRollup(services.queues, next, Math.floor(Date.now() / 1000) + 1);
  }
  return result;
}
