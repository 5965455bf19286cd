import { failRun, findRun, type JobRun } from '../../db/job-store';
import type { Services } from '../../services';
import { JOB_KINDS, type JobKind } from '../../lib/job-kinds';
import type { QueueName } from '../../queues/registry';

const KIND_QUEUE: Record<JobKind, QueueName> = { 'import-links': 'imports', 'export-links': 'exports', 'export-package': 'exports' };

/**
 * A run whose job BullMQ gave up on without the processor seeing it (stalled too often) or lost
 * (Redis emptied) would stay "running" until it expired. Asked for its status, such a run is
 * marked failed. failRun only touches unfinished runs, so a run that completes meanwhile (its
 * job then vanishes from Redis) is never overwritten.
 */
export async function reconcileRun(services: Services, run: JobRun): Promise<JobRun> {
  if (run.status === 'completed' || run.status === 'failed' || !JOB_KINDS.includes(run.kind)) return run;
  const state = await services.queues.queue(KIND_QUEUE[run.kind]).getJobState(run.id);
  if (state !== 'failed' && state !== 'unknown') return run;
  await failRun(services.db, run.id, 'The job failed; please try again');
  return (await findRun(services.db, run.id)) ?? run;
}
