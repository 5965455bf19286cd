import { failedJobLifetimeMs, QUEUE_NAMES, type QueueName } from '../queues/registry';
import type { Services } from '../services';

export const PRUNE_FAILED_SCHEDULER_ID = 'prune-failed-jobs';
/** A failed job lives at most its queue's lifetime plus this. */
export const PRUNE_FAILED_EVERY_MS = 10 * 60 * 1000;
const BATCH = 1000;

/**
 * Scheduled: removes, in every queue, the jobs that failed for good longer ago than the queue
 * keeps them (registry: removeOnFail age). Without it a failed job stays until another job of
 * its queue fails, which in a quiet queue is never. `lifetimesMs` overrides a queue's lifetime.
 */
export async function pruneFailedJobs(services: Services, lifetimesMs: Partial<Record<QueueName, number>> = {}): Promise<number> {
  let removed = 0;
  for (const name of QUEUE_NAMES) {
    const grace = lifetimesMs[name] ?? failedJobLifetimeMs(name);
    for (;;) {
      const ids = await services.queues.queue(name).clean(grace, BATCH, 'failed');
      removed += ids.length;
      if (ids.length < BATCH) break;
    }
  }
  if (removed > 0) services.logger.info({ category: 'jobs', removed }, 'pruned failed jobs past their lifetime');
  return removed;
}

/** Registered by worker processes at start (workers/schedules.ts); an upsert, so one schedule results. */
export async function scheduleFailedJobPrune(services: Services): Promise<void> {
  await services.queues.queue('analytics').upsertJobScheduler(PRUNE_FAILED_SCHEDULER_ID, { every: PRUNE_FAILED_EVERY_MS }, { name: 'prune-failed-jobs', data: {} });
}
