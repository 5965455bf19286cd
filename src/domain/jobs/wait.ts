import { runStatus } from '../../db/job-store';
import type { Services } from '../../services';
import { isFinished, type JobStatus } from '../../lib/job-kinds';

/**
 * "Wait briefly, else 202": how long a request waits for its job before answering 202 with a
 * status URL. Short enough to stay well inside proxy timeouts (Heroku's router gives 30 s).
 */
export const DEFAULT_JOB_WAIT_MS = 5000;

const bounds = new WeakMap<Services, number>();

/** Overrides the bound for one set of services (a test forcing the 202 path uses 0). */
export function setJobWaitBound(services: Services, ms: number): void {
  bounds.set(services, ms);
}

export function jobWaitBound(services: Services): number {
  return bounds.get(services) ?? DEFAULT_JOB_WAIT_MS;
}

/**
 * Polls the run's status in PostgreSQL until it finishes or the bound passes, backing off from
 * 10 ms to 200 ms. PostgreSQL, not this process, holds the state: if this process dies the run
 * goes on and any other web process answers its status URL.
 */
export async function waitForRun(services: Services, runId: string, boundMs = jobWaitBound(services)): Promise<JobStatus> {
  const deadline = Date.now() + boundMs;
  let interval = 10;
  for (;;) {
    const status = (await runStatus(services.db, runId)) ?? 'failed';
    const left = deadline - Date.now();
    if (isFinished(status) || left <= 0) return status;
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
    interval = Math.min(interval * 2, 200);
  }
}
