import type { Job } from 'bullmq';
import { claimRun, failRun, type JobRun } from '../db/job-store';
import type { Services } from '../services';
import { isLastAttempt } from '../queues/attempts';

/** Thrown inside a run's transaction when another attempt finished the run first: roll back, quietly. */
export class RunAlreadyFinished extends Error {
  constructor(runId: string) {
    super(`Run ${runId} was already finished by another attempt`);
  }
}

/**
 * The lifecycle every heavy job shares: claim the run (queued/running → running), do the work
 * (which completes the run itself, in the transaction that writes its output), and record the
 * failure once retries are exhausted. A run that is already finished or pruned is skipped, so
 * a duplicate delivery does nothing.
 */
export async function runJob<T>(services: Services, runId: string, job: Job | undefined, work: (run: JobRun) => Promise<T>): Promise<T | undefined> {
  const run = await claimRun(services.db, runId);
  if (!run) return undefined;
  try {
    return await work(run);
  } catch (err) {
    if (err instanceof RunAlreadyFinished) return undefined;
    if (isLastAttempt(job)) {
      services.logger.error({ category: 'jobs', runId, kind: run.kind, err: (err as Error).message }, 'job run failed');
      await failRun(services.db, runId, 'The job failed; please try again');
    }
    throw err;
  }
}
