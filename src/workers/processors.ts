import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from '../queues/registry';
import type { Services } from '../services';
import { buildExport } from './build-export';
import { importLinks } from './import-links';
import { ingestClicks } from './ingest-clicks';
import { pruneJobs } from './prune-jobs';

export type Processor<J extends JobName> = (services: Services, data: JobPayloads[J], job: Job<JobPayloads[J]>) => Promise<unknown>;

/** Every job name maps to its processor; the compiler checks the map is complete. */
export type ProcessorMap = { [J in JobName]: Processor<J> };

export const PROCESSORS: ProcessorMap = {
  'ingest-clicks': (services, data) => ingestClicks(services, data),
  // Results go to PostgreSQL (job_runs); nothing large is returned into Redis.
  'import-links': async (services, data, job) => {
    await importLinks(services, data, job);
  },
  'build-export': async (services, data, job) => {
    await buildExport(services, data, job);
  },
  'prune-jobs': (services) => pruneJobs(services),
};
