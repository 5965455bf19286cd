import { advanceInstalls as applyMarks } from '../db/install-session-store';
import type { JobPayloads } from '../queues/registry';
import type { Services } from '../services';

/** Processor of `advance-installs`: the proxy's sightings of named installs move their phases (idempotent: phases only move forward). */
export async function advanceInstalls(services: Services, data: JobPayloads['advance-installs']): Promise<number> {
  return applyMarks(services.db, data.marks);
}
