import { createRun, failRun, type JobRun, type NewRun } from '../../db/job-store';
import type { JobName, JobPayloads } from '../../queues/registry';
import type { Services } from '../../services';
import { DomainError } from '../errors';

/**
 * Records a run in PostgreSQL, then queues its job under the run's id (so a second add of the
 * same run is a no-op in BullMQ). If Redis refuses the job the run is marked failed and the
 * client told to retry; nothing is left queued-but-lost.
 */
export async function startJob<J extends JobName>(services: Services, run: NewRun, job: J, payload: (runId: string) => JobPayloads[J]): Promise<JobRun> {
  const created = await createRun(services.db, run);
  try {
    await services.queues.add(job, payload(created.id), { jobId: created.id });
  } catch (err) {
    services.logger.error({ category: 'jobs', runId: created.id, job, err: (err as Error).message }, 'could not queue job');
    await failRun(services.db, created.id, 'The job could not be queued');
    throw new DomainError('unavailable', 'Background jobs are unavailable right now; please try again');
  }
  return created;
}
