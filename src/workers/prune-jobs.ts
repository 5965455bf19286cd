import { pruneExpired } from '../db/job-store';
import type { Services } from '../services';

/** Repeating job (its row in src/queues/repeating-jobs.ts): deletes expired job runs and files with their chunks. */
export async function pruneJobs(services: Services): Promise<{ runs: number; files: number }> {
  const pruned = await pruneExpired(services.db);
  if (pruned.runs || pruned.files) services.logger.info({ category: 'jobs', ...pruned }, 'pruned expired job runs and files');
  return pruned;
}
