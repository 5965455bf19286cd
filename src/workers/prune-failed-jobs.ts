import { failedJobLifetimeMs, QUEUE_NAMES, type QueueName } from '../queues/registry';
import type { Services } from '../services';

const BATCH = 1000;

/**
 * Repeating (queues/repeating-jobs.ts): removes, in every queue, the jobs that failed for good
 * longer ago than the queue keeps them (registry: removeOnFail age). Without it a failed job
 * stays until another job of its queue fails, which in a quiet queue is never. `lifetimesMs`
 * overrides a queue's lifetime.
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
