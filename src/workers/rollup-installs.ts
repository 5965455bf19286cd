import { recentInstallDays, recomputeInstallDays } from '../db/install-rollup-store';
import { nextDay, utcDay } from '../lib/days';
import type { JobPayloads } from '../queues/registry';
import { claimRollupRequest, markRollupCovered } from '../queues/rollup-requests';
import type { Services } from '../services';

/**
 * Processor of `rollup-installs`: recompute one package's day, and the day after (a session that
 * began before midnight must not count again the next day, whichever of its events came first);
 * skipped when a recompute that began after this request already committed.
 */
export async function rollupInstalls(services: Pick<Services, 'db' | 'redis' | 'config'>, data: JobPayloads['rollup-installs'], now = new Date()): Promise<number> {
  const pair = { packageId: data.packageId, day: data.day };
  const days = [data.day];
  const following = nextDay(data.day);
  if (following <= utcDay(now)) days.push(following);
  let upTo: number | undefined;
  const written = await recomputeInstallDays(
    services.db,
    days.map((day) => ({ packageId: data.packageId, day })),
    async () => {
      if (data.seq === undefined) return true;
      upTo = await claimRollupRequest(services, pair, data.seq);
      return upTo !== undefined;
    },
  );
  // Only once committed may later jobs rely on it.
  if (upTo !== undefined) await markRollupCovered(services, pair, upTo);
  return written;
}

/** Processor of `catch-up-install-rollups`: recompute every (package, day) with events in the last `days` days. */
export async function catchUpInstallRollups(services: Pick<Services, 'db'>, data: JobPayloads['catch-up-install-rollups'], now = new Date()): Promise<number> {
  const pairs = await recentInstallDays(services.db, data.days, now);
  return recomputeInstallDays(services.db, pairs);
}
