import type { Job, WorkerOptions as BullWorkerOptions } from 'bullmq';
import type { JobName, JobPayloads, QueueName } from '../queues/registry';
import type { Services } from '../services';
import { webhookBackoffStrategy } from '../domain/webhooks/retry-schedule';
import { deliverWebhook, jobAttemptContext } from './deliver-webhook';
import { ingestClicks } from './ingest-clicks';
import { catchUpInstallRollups, rollupInstalls } from './rollup-installs';
import { maintainWebhooks } from './maintain-webhooks';
import { ingestInstalls } from './ingest-installs';
import { advanceInstalls } from './advance-installs';
import { buildExport } from './build-export';
import { importLinks } from './import-links';
import { pruneJobs } from './prune-jobs';
import { pruneFailedJobs } from './prune-failed-jobs';
import { maintainPartitions } from './maintain-partitions';
import { rollupClicks } from './rollup-clicks';
import { verifyDomainJob } from './verify-domain';
import { refreshPackageMetadata } from './refresh-package-metadata';
import { refreshStaleMetadata } from './refresh-stale-metadata';

/** `token` is the worker's lock token, for processors that move their own job (e.g. to delayed). */
export type Processor<J extends JobName> = (services: Services, data: JobPayloads[J], job: Job<JobPayloads[J]>, token?: string) => Promise<unknown>;

/** Every job name maps to its processor; the compiler checks the map is complete. */
export type ProcessorMap = { [J in JobName]: Processor<J> };

export const PROCESSORS: ProcessorMap = {
  // The job's return value is kept in Redis until removal: a count, not the rows.
  'ingest-clicks': async (services, data, job) => ({ inserted: (await ingestClicks(services, data, job)).length }),
  'rollup-clicks': (services) => rollupClicks(services),
  'maintain-partitions': (services) => maintainPartitions(services),
  'rollup-installs': (services, data) => rollupInstalls(services, data),
  'catch-up-install-rollups': (services, data) => catchUpInstallRollups(services, data),
  'deliver-webhook': (services, data, job, token) => deliverWebhook(services, data, jobAttemptContext(job, token)),
  'maintain-webhooks': (services) => maintainWebhooks(services),
  'verify-domain': (services, data, job) => verifyDomainJob(services, data, job),
  'ingest-installs': (services, data, job) => ingestInstalls(services, data, job),
  'advance-installs': (services, data) => advanceInstalls(services, data),
  // Results go to PostgreSQL (job_runs); nothing large is returned into Redis.
  'import-links': async (services, data, job) => {
    await importLinks(services, data, job);
  },
  'build-export': async (services, data, job) => {
    await buildExport(services, data, job);
  },
  'prune-jobs': (services) => pruneJobs(services),
  'prune-failed-jobs': (services) => pruneFailedJobs(services),
  'refresh-package-metadata': (services, data) => refreshPackageMetadata(services, data),
  'refresh-stale-metadata': (services, data) => refreshStaleMetadata(services, data),
};

/** Worker settings a queue needs beyond the defaults; run.ts merges them into its Worker. */
export const QUEUE_WORKER_OPTIONS: { [Q in QueueName]?: (services: Services) => Partial<BullWorkerOptions> } = {
  // I/O-bound and capped per receiver (src/domain/webhooks/receiver-slots.ts), so more slots than CPU work.
  // Each job runs git against a remote host: a few at a time, not WORKER_CONCURRENCY.
  metadata: () => ({ concurrency: 2 }),
  webhooks: (services) => ({
    concurrency: services.config.webhookConcurrency,
    settings: { backoffStrategy: webhookBackoffStrategy(services.config.webhookRetryDelaysMs) },
  }),
};
