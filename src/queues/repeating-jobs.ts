import type { JobsOptions } from 'bullmq';
import type { Logger } from '../logger';
import { JOB_QUEUE, type JobName, type JobPayloads, type QueueRegistry } from './registry';

/**
 * Every repeating job: one row per job name, in this one table. Worker processes register them
 * at start (never tests' stacks, so a drained queue stays drained). Registration is an upsert
 * keyed by the scheduler id, so every worker may do it and one schedule of each results.
 */
interface RepeatingJob<J extends JobName> {
  schedulerId: string;
  everyMs: number;
  data: JobPayloads[J];
  opts?: JobsOptions;
}

export type RepeatingJobName = 'rollup-clicks' | 'maintain-partitions' | 'catch-up-install-rollups' | 'maintain-webhooks' | 'prune-jobs' | 'prune-failed-jobs' | 'refresh-stale-metadata';

export const REPEATING_JOBS: { [J in RepeatingJobName]: RepeatingJob<J> } = {
  // The per-second rollup jobs already follow every ingest; this picks up whatever a lost job
  // (Redis outage, crash between commit and enqueue) left pending.
  'rollup-clicks': { schedulerId: 'rollup-catch-up', everyMs: 30_000, data: {} },
  // Cheap, and months ahead are created long before they are needed.
  'maintain-partitions': { schedulerId: 'maintain-partitions', everyMs: 6 * 3600_000, data: {} },
  // Repairs the install rollups of the last days that a lost enqueue or a late event left stale.
  'catch-up-install-rollups': { schedulerId: 'catch-up-install-rollups', everyMs: 10 * 60_000, data: { days: 3 } },
  // Prunes old deliveries and re-queues lost ones.
  'maintain-webhooks': {
    schedulerId: 'maintain-webhooks', everyMs: 5 * 60_000, data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 10_000 } },
  },
  // Deletes expired job runs and their files.
  'prune-jobs': { schedulerId: 'prune-jobs-hourly', everyMs: 3600 * 1000, data: {} },
  // Enforces every queue's failed-job lifetime (BullMQ applies it only when a later job fails):
  // a failed job lives at most its queue's lifetime plus this interval.
  'prune-failed-jobs': { schedulerId: 'prune-failed-jobs', everyMs: 10 * 60_000, data: {} },
  // Keeps package metadata at most a day old, oldest first, 100 packages per run (600 an hour:
  // each is a few git round trips, and the upstream hosts are not ours to flood).
  'refresh-stale-metadata': { schedulerId: 'refresh-stale-metadata', everyMs: 10 * 60_000, data: { batch: 100, staleAfterHours: 24 } },
};

/** Registers (or updates) one row's schedule; a test may shorten it or change its payload. */
export async function scheduleRepeatingJob<J extends RepeatingJobName>(
  queues: QueueRegistry,
  name: J,
  override: { everyMs?: number; data?: JobPayloads[J] } = {},
): Promise<void> {
  const row: RepeatingJob<J> = REPEATING_JOBS[name];
  await queues.queue(JOB_QUEUE[name]).upsertJobScheduler(row.schedulerId, { every: override.everyMs ?? row.everyMs }, {
    name,
    data: override.data ?? row.data,
    ...(row.opts ? { opts: row.opts } : {}),
  });
}

/** Every row, at worker start. One that fails (Redis away) is logged and the next worker start registers it. */
export function registerSchedules(services: { queues: QueueRegistry; logger: Logger }): void {
  for (const name of Object.keys(REPEATING_JOBS) as RepeatingJobName[]) {
    scheduleRepeatingJob(services.queues, name).catch((err: unknown) =>
      services.logger.error({ category: 'jobs', schedule: name, err: (err as Error).message }, 'could not register a repeating job'),
    );
  }
}

type Deps = { queues: QueueRegistry };

export const PRUNE_SCHEDULER_ID = REPEATING_JOBS['prune-jobs'].schedulerId;
export const MAINTENANCE_SCHEDULER_ID = REPEATING_JOBS['maintain-webhooks'].schedulerId;
export const CATCH_UP_SCHEDULER_ID = REPEATING_JOBS['catch-up-install-rollups'].schedulerId;

export const scheduleJobMaintenance = (services: Deps) => scheduleRepeatingJob(services.queues, 'prune-jobs');
export const scheduleWebhookMaintenance = (services: Deps) => scheduleRepeatingJob(services.queues, 'maintain-webhooks');
export const scheduleInstallRollupCatchUp = (services: Deps, options: { everyMs?: number; days?: number } = {}) =>
  scheduleRepeatingJob(services.queues, 'catch-up-install-rollups', { everyMs: options.everyMs, data: options.days === undefined ? undefined : { days: options.days } });
