import type { Services } from '../../services';

export const PRUNE_SCHEDULER_ID = 'prune-jobs-hourly';
export const PRUNE_EVERY_MS = 3600 * 1000;

/**
 * Registers the repeating jobs of the job machinery. Called by the worker entry points (never
 * on import, never by web): upsert is idempotent, so every worker process may call it at start
 * and one schedule results.
 */
export async function scheduleJobMaintenance(services: Services): Promise<void> {
  await services.queues.queue('exports').upsertJobScheduler(PRUNE_SCHEDULER_ID, { every: PRUNE_EVERY_MS }, { name: 'prune-jobs', data: {} });
}
