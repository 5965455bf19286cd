import type { JobsOptions } from 'bullmq';
import type { Config } from '../../config';

/**
 * The retry schedule: attempt 1 at once, then after WEBHOOK_RETRY_DELAYS_MS (1 s, 5 s, 30 s by
 * default — the PVTLNK contract). A custom BullMQ backoff, not exponential: BullMQ asks it for
 * the delay after the n-th failed attempt. Tests shrink the delays through the same setting.
 */
export const WEBHOOK_BACKOFF = 'pvtlnk-webhook';

export function retryDelay(delays: readonly number[], failedAttempts: number): number {
  return delays[Math.min(failedAttempts, delays.length) - 1] ?? 0;
}

/** BullMQ `settings.backoffStrategy` for the webhooks Worker. */
export function webhookBackoffStrategy(delays: readonly number[]) {
  return (attemptsMade: number, type?: string): number => {
    if (type !== WEBHOOK_BACKOFF) throw new Error(`Unknown backoff strategy ${String(type)}`);
    return retryDelay(delays, attemptsMade);
  };
}

/** One delivery's job: its id is stable per attempt series, so re-adding a live job is a no-op. */
export function deliveryJobOptions(config: Config, deliveryId: string, series: number): JobsOptions {
  return {
    jobId: `wh-${deliveryId}-s${series}`,
    attempts: config.webhookRetryDelaysMs.length + 1,
    backoff: { type: WEBHOOK_BACKOFF },
  };
}
