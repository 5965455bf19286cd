import type { PackageDay } from '../db/install-rollup-store';
import { utcDay } from '../lib/days';
import type { Services } from '../services';
import type { JobName, JobPayloads, QueueRegistry } from './registry';
import { numberRollupRequests } from './rollup-requests';

/**
 * The one home of both rollup pipelines' requests. The ingest workers ask for a rollup after
 * they have stored (committed) a batch (clicks: one job for whatever link-days are due; installs:
 * one job per package and day); both requests are debounced by `addDebounced` below, and both
 * pipelines are caught up by their row in the repeating-jobs table (queues/repeating-jobs.ts).
 */

interface Debounce {
  windowMs: number;
  /** Added to the delay, so a job starts a little after the last request of its window. */
  graceMs: number;
}

/** Click rollups: every ingest batch of the same second shares one job, across all worker processes. */
const CLICK_ROLLUP_DEBOUNCE: Debounce = { windowMs: 1000, graceMs: 0 };
/** Install rollups: requests for one (package, day) within two seconds share one job. */
// The grace is longer than an add takes on a busy machine: an add naming a job that already
// started would be a no-op, and the request numbered just before it would be served by nobody.
const INSTALL_ROLLUP_DEBOUNCE: Debounce = { windowMs: 2000, graceMs: 300 };

/**
 * Debounced enqueue: the job id is `key` and the number of the window ending at or after `at`,
 * and the job is delayed until that window has ended. A second request in the same window is a
 * no-op (same id), yet is still covered, because the job only starts reading after every request
 * of its window was made. A job that already ran frees its id (removeOnComplete); `notBefore`
 * (a window number) keeps a follow-up off the id of the job that is running now.
 */
async function addDebounced<J extends JobName>(
  queues: Pick<QueueRegistry, 'add'>, job: J, data: JobPayloads[J], key: string, at: number, debounce: Debounce, notBefore = 0, now = Date.now(),
): Promise<void> {
  const window = Math.max(Math.ceil(at / debounce.windowMs), notBefore);
  await queues.add(job, data, { jobId: `${key}-${window}`, delay: Math.max(0, window * debounce.windowMs - now + debounce.graceMs) });
}

/** Asks for a click rollup at (or just after) `at`; the rollup reads whatever link-days are due (db/rollup-store.ts). */
export async function enqueueClickRollup(queues: Pick<QueueRegistry, 'add'>, at: number, notBeforeSecond = 0): Promise<void> {
  await addDebounced(queues, 'rollup-clicks', {}, 'rollup', at, CLICK_ROLLUP_DEBOUNCE, notBeforeSecond);
}

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
 * Asks for the install rollup of each (package, day). A burst of installs of one package costs
 * one recompute per window, and jobs left queued behind a long recompute are skipped once it has
 * covered them (rollup-requests.ts). Returns the number of pairs requested.
 */
export async function enqueueInstallRollups(services: Pick<Services, 'queues' | 'redis' | 'config'>, pairs: readonly PackageDay[], at?: number): Promise<number> {
  const seqs = await numberRollupRequests(services, pairs);
  // The window is chosen once the requests are numbered, never before.
  const now = at ?? Date.now();
  await Promise.all(
    pairs.map((pair, i) =>
      addDebounced(services.queues, 'rollup-installs', { packageId: pair.packageId, day: pair.day, seq: seqs[i] }, `rollup-installs-${pair.packageId}-${pair.day}`, now, INSTALL_ROLLUP_DEBOUNCE, 0, now),
    ),
  );
  return pairs.length;
}
