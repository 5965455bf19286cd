import type { Job } from 'bullmq';
import type { JobName, JobPayloads } from '../queues/registry';
import type { Services } from '../services';
import { ingestClicks } from './ingest-clicks';
import { ingestInstalls } from './ingest-installs';

export type Processor<J extends JobName> = (services: Services, data: JobPayloads[J], job: Job<JobPayloads[J]>) => Promise<unknown>;

/** Every job name maps to its processor; the compiler checks the map is complete. */
export type ProcessorMap = { [J in JobName]: Processor<J> };

export const PROCESSORS: ProcessorMap = {
  'ingest-clicks': (services, data) => ingestClicks(services, data),
  'ingest-installs': (services, data) => ingestInstalls(services, data),
};
