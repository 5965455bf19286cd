import { Queue, type BackoffStrategy, type JobsOptions, type WorkerOptions } from 'bullmq';
import type { RedisClient } from '../redis';
import type { StoredClickJson } from '../db/click-store';
import type { StoredInstallJson } from '../db/install-store';
import type { InstallProgressMark } from '../lib/edge-events';
import { currentRequestId } from '../lib/request-context';
import type { ExportSpec } from './export-spec';

/**
 * The one queue registry: every queue's name, every job's typed payload and the queue it runs
 * on, the default attempts and backoff, and how a dead worker's jobs are recovered. The web
 * process only adds jobs through it; only the worker process constructs BullMQ Workers
 * (src/workers/run.ts).
 */

export const QUEUE_NAMES = ['clicks', 'analytics', 'installs', 'install-rollups', 'webhooks', 'imports', 'exports', 'metadata'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /**
   * Edge batches: the events (raw IP, user agent, referrer) only ever sealed (queues/sealed-events.ts);
   * a job that failed for good keeps only `stored`, the enriched rows.
   */
  'ingest-clicks': { sealed: string } | { stored: StoredClickJson[] };
  /** Rolls up whatever link-days are due (see db/rollup-store.ts); the payload carries nothing. */
  'rollup-clicks': Record<string, never>;
  /** Creates the coming months' click partitions and applies CLICK_RETENTION_DAYS. */
  'maintain-partitions': Record<string, never>;
  'ingest-installs': { sealed: string } | { stored: StoredInstallJson[] };
  /** Moves install ids' phases (install-progress) from the proxy's own sightings; no visitor data. */
  'advance-installs': { marks: InstallProgressMark[] };
  /** Recompute one package's install rollup for a UTC day ('YYYY-MM-DD') and the day after; seq numbers the request (src/queues/rollup-requests.ts). */
  'rollup-installs': { packageId: number; day: string; seq?: number };
  /** Recompute every package's install rollups over the last `days` UTC days. */
  'catch-up-install-rollups': { days: number };
  // Webhooks have their own queue so a slow receiver never holds up clicks or other work.
  'deliver-webhook': { deliveryId: string; series: number };
  'maintain-webhooks': Record<string, never>;
  /** One HTTP check that a custom domain reaches this deployment (domain/domains/domains.ts); retried with backoff. */
  'verify-domain': { domainId: number };
  // Heavy jobs carry only their run's id (the CSV itself waits in PostgreSQL, job_runs.input).
  'import-links': { runId: string };
  'build-export': { runId: string; userId: number; spec: ExportSpec };
  'prune-jobs': Record<string, never>;
  /** Reads one package's package.json and README from its upstream (workers/refresh-package-metadata.ts). */
  'refresh-package-metadata': { packageId: number };
  /** Queues a refresh for the `batch` packages whose metadata is oldest, if older than `staleAfterHours`. */
  'refresh-stale-metadata': { batch: number; staleAfterHours: number };
  /** Removes every queue's jobs that failed for good longer ago than the queue keeps them (workers/prune-failed-jobs.ts). */
  'prune-failed-jobs': Record<string, never>;
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  'ingest-clicks': 'clicks',
  'rollup-clicks': 'analytics',
  'maintain-partitions': 'analytics',
  'ingest-installs': 'installs',
  'advance-installs': 'installs',
  'rollup-installs': 'install-rollups',
  'catch-up-install-rollups': 'install-rollups',
  'deliver-webhook': 'webhooks',
  'maintain-webhooks': 'webhooks',
  // Outbound HTTP like deliveries, so it waits on a slow server without holding up clicks.
  'verify-domain': 'webhooks',
  'import-links': 'imports',
  'build-export': 'exports',
  'prune-jobs': 'exports',
  'prune-failed-jobs': 'analytics',
  'refresh-package-metadata': 'metadata',
  'refresh-stale-metadata': 'metadata',
};

/**
 * Ingest jobs (clicks, installs) must outlive any ordinary PostgreSQL outage: 0.5 s, 1 s, 2 s …
 * doubling up to 15 s between attempts (jittered down by up to a fifth, so a queue of jobs does
 * not retry in lockstep when the database returns), for at least three days. An event answered
 * at the edge is therefore stored at most 15 s after PostgreSQL answers again; only an outage
 * longer than the horizon fails the jobs for good (README, "What a crash or an outage can cost").
 * A custom BullMQ backoff: the Workers of these queues get `ingestBackoffStrategy` (run.ts).
 */
export const INGEST_BACKOFF = 'ingest-capped';
export const INGEST_RETRY = { firstDelayMs: 500, maxDelayMs: 15_000, horizonMs: 3 * 24 * 3600_000 } as const;

/** The delay before the next attempt, after `attemptsMade` failed ones (1 after the first failure). */
export function ingestRetryDelay(attemptsMade: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 30);
  const delay = Math.min(INGEST_RETRY.maxDelayMs, INGEST_RETRY.firstDelayMs * 2 ** exponent);
  return Math.round(delay * (1 - 0.2 * random()));
}

/** Enough attempts that even the shortest jittered delays add up to the horizon. */
export const INGEST_ATTEMPTS = Math.ceil(INGEST_RETRY.horizonMs / (0.8 * INGEST_RETRY.maxDelayMs)) + 6;

export const ingestBackoffStrategy: BackoffStrategy = (attemptsMade, type) => {
  if (type !== INGEST_BACKOFF) throw new Error(`Unknown backoff strategy ${String(type)}`);
  return ingestRetryDelay(attemptsMade);
};

/** Worker-side backoff strategies by queue (the webhooks queue has its own: src/webhooks/schedule.ts). */
export const QUEUE_BACKOFF_STRATEGY: Partial<Record<QueueName, BackoffStrategy>> = {
  clicks: ingestBackoffStrategy,
  installs: ingestBackoffStrategy,
};

/**
 * How a dead worker's jobs come back, for every queue. A job's lock lasts 10 s and is renewed
 * every 5 s while its worker lives; the stalled check runs every 5 s, so a SIGKILLed worker's
 * jobs are waiting again within 10–20 s (BullMQ's 30 s / 30 s defaults took 60–93 s). A stall
 * is not the job's fault: every processor is safe to run again (events are stored by id, rollups
 * recompute, imports and exports resume from job_runs), so a job may stall up to 1,000 times —
 * only a job that kills every worker that takes it is ever failed for stalling. The cost of the
 * short lock: a worker whose event loop is blocked for over 10 s loses its jobs to another
 * worker, which runs them again; no processor holds the loop that long.
 */
export const WORKER_RECOVERY: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 1_000,
};

const QUEUE_DEFAULTS: Record<QueueName, JobsOptions> = {
  // Click batches carry raw IPs and user agents: removed as soon as they are stored.
  clicks: {
    attempts: INGEST_ATTEMPTS,
    backoff: { type: INGEST_BACKOFF },
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
    attempts: INGEST_ATTEMPTS,
    backoff: { type: INGEST_BACKOFF },
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
  // An upstream that fails is recorded on the package (metadata_error) and the job completes;
  // only our own trouble (PostgreSQL away) retries. Completed jobs go, so a package's job id
  // (domain/package-metadata.ts) can be queued again.
  metadata: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5000 },
    removeOnComplete: true,
    removeOnFail: { age: 24 * 3600 },
  },
};

/**
 * How long a queue keeps a job that failed for good: its removeOnFail age. BullMQ applies that
 * age only when a later job of the queue fails, so the failed-job prune enforces it as well.
 */
export function failedJobLifetimeMs(name: QueueName): number {
  const keep = QUEUE_DEFAULTS[name].removeOnFail;
  return typeof keep === 'object' && 'age' in keep && keep.age !== undefined ? keep.age * 1000 : 24 * 3600 * 1000;
}

/** BullMQ keys live under one hash tag so each queue's keys share a Redis Cluster slot. */
export function bullPrefix(redisPrefix: string): string {
  return `{${redisPrefix}}`;
}

/** A job enqueued while answering a request logs under that request's id (workers/run.ts). */
function withCurrentRequestId<T>(data: T): T {
  const requestId = currentRequestId();
  return requestId && typeof data === 'object' && data !== null ? { ...data, requestId } : data;
}

export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly connection: RedisClient,
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
    const added = await this.queue(JOB_QUEUE[job]).add(job, withCurrentRequestId(data), opts);
    return added.id ?? '';
  }

  /** Many jobs of one name in one round trip, each stamped like add()'s. */
  async addBulk<J extends JobName>(job: J, jobs: ReadonlyArray<{ data: JobPayloads[J]; opts?: JobsOptions }>): Promise<void> {
    await this.queue(JOB_QUEUE[job]).addBulk(jobs.map(({ data, opts }) => ({ name: job, data: withCurrentRequestId(data), opts })));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }
}
