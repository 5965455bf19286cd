import { nextDay, recentInstallDays, recomputeInstallDays, utcDay } from '../db/install-rollup-store';
import type { JobPayloads } from '../queues/registry';
import type { Services } from '../services';

/**
 * Processor of `rollup-installs`: recompute one package's day, and the day after (a session that
 * began before midnight must not count again the next day, whichever of its events came first).
 */
export async function rollupInstalls(services: Pick<Services, 'db'>, data: JobPayloads['rollup-installs'], now = new Date()): Promise<number> {
  const days = [data.day];
  const following = nextDay(data.day);
  if (following <= utcDay(now)) days.push(following);
  return recomputeInstallDays(services.db, days.map((day) => ({ packageId: data.packageId, day })));
}

/** Processor of `catch-up-install-rollups`: recompute every (package, day) with events in the last `days` days. */
export async function catchUpInstallRollups(services: Pick<Services, 'db'>, data: JobPayloads['catch-up-install-rollups'], now = new Date()): Promise<number> {
  const pairs = await recentInstallDays(services.db, data.days, now);
  return recomputeInstallDays(services.db, pairs);
}
