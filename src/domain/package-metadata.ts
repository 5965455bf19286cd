import { stalePackageIds } from '../db/package-metadata-store';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import type { QueueRegistry } from '../queues/registry';

/**
 * When a package's metadata is read from its upstream: on creation, on the owner's demand, and
 * on the schedule for the stalest. One job id per package, so asking twice while a refresh waits
 * queues it once.
 */

export function metadataJobId(packageId: number): string {
  return `metadata-${packageId}`;
}

/**
 * Asks for a refresh and never fails the caller: with Redis away the package is still created,
 * and the schedule (never-fetched packages first) picks it up.
 */
export async function queueMetadataRefresh(services: { queues: QueueRegistry; logger: Logger }, packageId: number): Promise<boolean> {
  try {
    await services.queues.add('refresh-package-metadata', { packageId }, { jobId: metadataJobId(packageId) });
    return true;
  } catch (err) {
    services.logger.warn({ category: 'metadata', packageId, err: (err as Error).message }, 'could not queue a metadata refresh; the schedule will');
    return false;
  }
}

/** The schedule's run: a refresh for each of the `batch` stalest packages. */
export async function queueStaleMetadataRefreshes(services: { db: Db; queues: QueueRegistry }, options: { batch: number; staleAfterHours: number }, now = new Date()): Promise<number> {
  const ids = await stalePackageIds(services.db, new Date(now.getTime() - options.staleAfterHours * 3600_000), options.batch);
  await Promise.all(ids.map((packageId) => services.queues.add('refresh-package-metadata', { packageId }, { jobId: metadataJobId(packageId) })));
  return ids.length;
}
