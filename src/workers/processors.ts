import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from '../queues/registry';
import type { Services } from '../services';
import { ingestClicks } from './ingest-clicks';
import { maintainPartitions } from './maintain-partitions';
import { rollupClicks } from './rollup-clicks';

export type Processor<J extends JobName> = (services: Services, data: JobPayloads[J], job: Job<JobPayloads[J]>) => Promise<unknown>;

/** Every job name maps to its processor; the compiler checks the map is complete. */
export type ProcessorMap = { [J in JobName]: Processor<J> };

export const PROCESSORS: ProcessorMap = {
  // The job's return value is kept in Redis until removal: a count, not the rows.
  'ingest-clicks': async (services, data, job) => ({ inserted: (await ingestClicks(services, data, job)).length }),
  'rollup-clicks': (services) => rollupClicks(services),
  'maintain-partitions': (services) => maintainPartitions(services),
};
