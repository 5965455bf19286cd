import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { StoredClickJson } from '../db/click-store';
import type { ClickEvent, InstallEvent } from '../lib/edge-events';
import type { ExportSpec } from './export-spec';

/**
 * The one queue registry: every queue's name, every job's typed payload and the queue it runs
 * on, and the default attempts and backoff. The web process only adds jobs through it; only
 * the worker process constructs BullMQ Workers (src/workers/run.ts).
 */

export const QUEUE_NAMES = ['clicks', 'analytics', 'installs', 'install-rollups', 'webhooks', 'imports', 'exports'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** `stored` replaces `events` in a job that failed for good, so no raw visitor data stays in Redis. */
  'ingest-clicks': { events: ClickEvent[]; stored?: StoredClickJson[] };
  /** Rolls up whatever link-days are due (see db/rollup-store.ts); the payload carries nothing. */
  'rollup-clicks': Record<string, never>;
  /** Creates the coming months' click partitions and applies CLICK_RETENTION_DAYS. */
  'maintain-partitions': Record<string, never>;
  'ingest-installs': { events: InstallEvent[] };
  /** Recompute one package's install rollup for a UTC day ('YYYY-MM-DD') and the day after; seq numbers the request (src/queues/rollup-requests.ts). */
  'rollup-installs': { packageId: number; day: string; seq?: number };
  /** Recompute every package's install rollups over the last `days` UTC days. */
  'catch-up-install-rollups': { days: number };
  // Webhooks have their own queue so a slow receiver never holds up clicks or other work.
  'deliver-webhook': { deliveryId: string; series: number };
  'maintain-webhooks': Record<string, never>;
  // Heavy jobs carry only their run's id (the CSV itself waits in PostgreSQL, job_runs.input).
  'import-links': { runId: string };
  'build-export': { runId: string; userId: number; spec: ExportSpec };
  'prune-jobs': Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  'ingest-clicks': 'clicks',
  'rollup-clicks': 'analytics',
  'maintain-partitions': 'analytics',
  'ingest-installs': 'installs',
  'rollup-installs': 'install-rollups',
  'catch-up-install-rollups': 'install-rollups',
  'deliver-webhook': 'webhooks',
  'maintain-webhooks': 'webhooks',
  'import-links': 'imports',
  'build-export': 'exports',
  'prune-jobs': 'exports',
};

const QUEUE_DEFAULTS: Record<QueueName, JobsOptions> = {
  // Click batches carry raw IPs and user agents: removed as soon as they are stored.
  clicks: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
  // Rollups recompute, so retrying is always safe. Completed jobs are removed so that the
  // per-second rollup job ids (queues/rollups.ts) can be used again.
  analytics: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
  // Install batches from the git proxy carry raw IPs and user agents too: same treatment.
  installs: {
    attempts: 8,
    backoff: { type: 'exponential', delay: 500 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
  // Rollups recompute from stored events, so any retry is harmless; the catch-up repairs the rest.
  'install-rollups': {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },
  // Attempts and the 1s/5s/30s backoff are set per delivery job (src/domain/webhooks/retry-schedule.ts).
  webhooks: {
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
  // Imports and exports keep their state and results in PostgreSQL (job_runs), so Redis
  // forgets them once done. Retries are safe: see workers/import-links.ts, build-export.ts.
  imports: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },
  exports: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600 },
  },
};

/** BullMQ keys live under one hash tag so each queue's keys share a Redis Cluster slot. */
export function bullPrefix(redisPrefix: string): string {
  return `{${redisPrefix}}`;
}

export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    /** Connection trouble is reported here instead of BullMQ printing it to stderr. */
    private readonly onError: (queue: QueueName, err: Error) => void = () => {},
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: QUEUE_DEFAULTS[name] });
      queue.on('error', (err) => this.onError(name, err));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<J extends JobName>(job: J, data: JobPayloads[J], opts: JobsOptions = {}): Promise<string> {
    const added = await this.queue(JOB_QUEUE[job]).add(job, data, opts);
    return added.id ?? '';
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
