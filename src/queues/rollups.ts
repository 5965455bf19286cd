import { utcDay, type PackageDay } from '../db/install-rollup-store';
import type { Services } from '../services';
import { JOB_QUEUE } from './registry';
import { numberRollupRequests } from './rollup-requests';

/**
 * Producers of install rollup jobs. The ingest worker calls enqueueInstallRollups after it has
 * stored (committed) a batch of install events; the worker process schedules the catch-up.
 */

/** Rollup requests for one (package, day) within this window share one job. */
export const ROLLUP_DEBOUNCE_MS = 2000;
export const CATCH_UP_SCHEDULER_ID = 'catch-up-install-rollups';
export const CATCH_UP_EVERY_MS = 10 * 60_000;
export const CATCH_UP_DAYS = 3;

/** The distinct (package, UTC day) pairs touched by stored install events. */
export function installDaysOf(events: ReadonlyArray<{ package_id: number; occurred_at: Date }>): PackageDay[] {
  const seen = new Map<string, PackageDay>();
  for (const e of events) {
    const day = utcDay(e.occurred_at);
    seen.set(`${e.package_id}/${day}`, { packageId: e.package_id, day });
  }
  return [...seen.values()];
}

/**
 * Debounced enqueue: the job id names the pair and a ROLLUP_DEBOUNCE_MS time bucket, and the job
 * is delayed until that bucket has ended. A second request in the same bucket is a no-op (same
 * id), yet is still covered, because the job only starts reading events after every request of
 * its bucket was made. A burst of installs of one package costs one recompute per bucket, and
 * jobs left queued behind a long recompute are skipped once it has covered them
 * (rollup-requests.ts). Returns the number of pairs requested.
 */
export async function enqueueInstallRollups(services: Pick<Services, 'queues' | 'redis' | 'config'>, pairs: readonly PackageDay[], now = Date.now()): Promise<number> {
  const bucket = Math.floor(now / ROLLUP_DEBOUNCE_MS);
  const delay = (bucket + 1) * ROLLUP_DEBOUNCE_MS - now + 50;
  const seqs = await numberRollupRequests(services, pairs);
  await Promise.all(
    pairs.map((pair, i) =>
      services.queues.add('rollup-installs', { packageId: pair.packageId, day: pair.day, seq: seqs[i] }, { jobId: `rollup-installs-${pair.packageId}-${pair.day}-${bucket}`, delay }),
    ),
  );
  return pairs.length;
}

/**
 * Registers (or updates) the repeating catch-up over the last few days, which repairs anything
 * a lost enqueue or a late event left stale. Idempotent: every worker process may call it at
 * start; the scheduler id keeps a single schedule.
 */
export async function scheduleInstallRollupCatchUp(services: Pick<Services, 'queues'>, options: { everyMs?: number; days?: number } = {}): Promise<void> {
  const queue = services.queues.queue(JOB_QUEUE['catch-up-install-rollups']);
  await queue.upsertJobScheduler(CATCH_UP_SCHEDULER_ID, { every: options.everyMs ?? CATCH_UP_EVERY_MS }, {
    name: 'catch-up-install-rollups',
    data: { days: options.days ?? CATCH_UP_DAYS },
  });
}
