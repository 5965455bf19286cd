import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { StoredClickJson } from '../db/click-store';
import type { ClickEvent } from '../events';

/**
 * The one queue registry: every queue's name, every job's typed payload and the queue it runs
 * on, and the default attempts and backoff. The web process only adds jobs through it; only
 * the worker process constructs BullMQ Workers (src/workers/run.ts).
 */

export const QUEUE_NAMES = ['clicks', 'analytics'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** `stored` replaces `events` in a job that failed for good, so no raw visitor data stays in Redis. */
  'ingest-clicks': { events: ClickEvent[]; stored?: StoredClickJson[] };
  /** Rolls up whatever link-days are due (see db/rollup-store.ts); the payload carries nothing. */
  'rollup-clicks': Record<string, never>;
  /** Creates the coming months' click partitions and applies CLICK_RETENTION_DAYS. */
  'maintain-partitions': Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  'ingest-clicks': 'clicks',
  'rollup-clicks': 'analytics',
  'maintain-partitions': 'analytics',
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
  // per-second rollup job ids (workers/rollup-clicks.ts) can be used again.
  analytics: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
};

/** BullMQ keys live under one hash tag so each queue's keys share a Redis Cluster slot. */
export function bullPrefix(redisPrefix: string): string {
  return `{${redisPrefix}}`;
}

export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(private readonly connection: Redis, private readonly prefix: string) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix, defaultJobOptions: QUEUE_DEFAULTS[name] });
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
