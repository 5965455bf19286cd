/** What BullMQ tells about a job's attempts (a Job has these fields). */
interface Attempts {
  attemptsMade: number;
  opts: { attempts?: number };
}

/**
 * Is this the job's last attempt? While a processor runs, attemptsMade counts the attempts
 * before this one; in a `failed` handler BullMQ has already counted this one (`counted`).
 * A job run without BullMQ (a test calling a processor directly) has one attempt.
 */
export function isLastAttempt(job: Attempts | undefined, counted = false): boolean {
  if (!job) return true;
  return job.attemptsMade + (counted ? 0 : 1) >= (job.opts.attempts ?? 1);
}
