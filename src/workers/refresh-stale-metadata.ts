import { queueStaleMetadataRefreshes } from '../domain/package-metadata';
import type { JobPayloads } from '../queues/registry';
import type { Services } from '../services';

/** Repeating job (its row in src/queues/repeating-jobs.ts): a refresh for each of the stalest packages. */
export async function refreshStaleMetadata(services: Services, data: JobPayloads['refresh-stale-metadata']): Promise<{ queued: number }> {
  const queued = await queueStaleMetadataRefreshes(services, data);
  if (queued > 0) services.logger.info({ category: 'metadata', queued }, 'queued metadata refreshes');
  return { queued };
}
