import { Worker, type Job } from 'bullmq';
import { bullPrefix, JOB_QUEUE, QUEUE_BACKOFF_STRATEGY, QUEUE_NAMES, WORKER_RECOVERY, type JobName, type QueueName } from '../queues/registry';
import { createRedis } from '../redis';
import { withRequestId } from '../lib/request-context';
import { jobDuration, jobFailures } from '../lib/metrics';

/** Job durations by name and outcome, and failed attempts, for /metrics. */
async function timed<T>(job: string, run: () => Promise<T>): Promise<T> {
  const stop = jobDuration.startTimer({ job });
  try {
    const result = await run();
    stop({ outcome: 'completed' });
    return result;
  } catch (err) {
    stop({ outcome: 'failed' });
    jobFailures.inc({ job });
    throw err;
  }
}
import type { Services } from '../services';
import { PROCESSORS, QUEUE_WORKER_OPTIONS, type ProcessorMap } from './processors';
import { isLastAttempt } from '../queues/attempts';

/** Runs `run` under the id of the request that enqueued the job (queues/registry.ts adds it), if any. */
function underRequestId<T>(job: Job, run: () => T): T {
  const requestId = (job.data as { requestId?: unknown } | null)?.requestId;
  return typeof requestId === 'string' ? withRequestId(requestId, run) : run();
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stops taking jobs and waits for active ones; a job still running at exit is handed back (stalled) to another worker. */
  close(): Promise<void>;
}

export interface WorkerOptions {
  queues?: readonly QueueName[];
  processors?: Partial<ProcessorMap>;
  concurrency?: number;
}

export function startWorkers(services: Services, options: WorkerOptions = {}): RunningWorkers {
  const processors: ProcessorMap = { ...PROCESSORS, ...options.processors };
  const queues = options.queues ?? QUEUE_NAMES;
  const { logger } = services;

  const workers = queues.map((queueName) => {
    const connection = createRedis(services.config, 'worker');
    const queueOptions = QUEUE_WORKER_OPTIONS[queueName]?.(services) ?? {};
    const backoffStrategy = queueOptions.settings?.backoffStrategy ?? QUEUE_BACKOFF_STRATEGY[queueName];
    connection.on('error', (err) => logger.warn({ category: 'redis', err: err.message }, 'worker redis connection error'));
    const worker = new Worker(
      queueName,
      async (job: Job, token?: string) => {
        const name = job.name as JobName;
        if (JOB_QUEUE[name] !== queueName) throw new Error(`Job ${job.name} does not belong on queue ${queueName}`);
        const processor = processors[name] as (s: typeof services, d: unknown, j: Job, t?: string) => Promise<unknown>;
        return timed(job.name, () => underRequestId(job, () => processor(services, job.data, job, token)));
      },
      { ...WORKER_RECOVERY, ...queueOptions, ...(backoffStrategy ? { settings: { ...queueOptions.settings, backoffStrategy } } : {}), connection, prefix: bullPrefix(services.config.redisPrefix), concurrency: options.concurrency ?? queueOptions.concurrency ?? services.config.workerConcurrency, autorun: true },
    );
    worker.on('failed', (job, err) => {
      if (!job) return;
      const final = isLastAttempt(job, true);
      // Logged once, when retries are exhausted; earlier attempts are routine.
      const fields = { category: 'jobs', queue: queueName, job: job.name, jobId: job.id, attempts: job.attemptsMade, err: err.message.slice(0, 500) };
      underRequestId(job, () => {
        if (final) logger.error(fields, 'job failed for good');
        else logger.debug(fields, 'job attempt failed; will retry');
      });
    });
    worker.on('error', (err) => logger.error({ category: 'jobs', queue: queueName, err: err.message }, 'worker error'));
    return { worker, connection };
  });

  return {
    workers: workers.map((w) => w.worker),
    async close() {
      await Promise.all(workers.map((w) => w.worker.close()));
      for (const w of workers) w.connection.disconnect();
    },
  };
}
