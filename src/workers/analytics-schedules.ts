import type { Services } from '../services';

/**
 * Recurring analytics jobs, registered by the worker entry points (never by tests' stacks, whose
 * queues must be able to drain). upsertJobScheduler is idempotent: every worker process may call
 * it at start and there is still one schedule of each.
 * - rollup catch-up every 30 s: the per-second rollup jobs already follow every ingest; this
 *   picks up whatever a lost job (Redis outage, crash between commit and enqueue) left pending.
 * - partitions and retention every 6 hours: cheap, and months ahead are created long before
 *   they are needed.
 */
export async function scheduleAnalyticsJobs(services: Services): Promise<void> {
  const queue = services.queues.queue('analytics');
  await queue.upsertJobScheduler('rollup-catch-up', { every: 30_000 }, { name: 'rollup-clicks', data: {} });
  await queue.upsertJobScheduler('maintain-partitions', { every: 6 * 3600_000 }, { name: 'maintain-partitions', data: {} });
}
