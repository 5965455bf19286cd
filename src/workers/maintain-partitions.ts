import type { Db } from '../db/knex';
import { retentionCutoff } from '../db/rollup-store';
import { utcDay } from '../lib/days';
import type { Services } from '../services';

/** Months of click partitions kept ready: this one and the next three. */
export const MONTHS_AHEAD = 3;

export interface PartitionReport {
  created: string[];
  dropped: string[];
  /** Rows deleted from the default partition (clicks that arrived for a month without a partition). */
  deletedFromDefault: number;
}

function monthStart(at: Date, plusMonths = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + plusMonths, 1));
}

async function clickPartitions(db: Db): Promise<string[]> {
  const { rows } = await db.raw<{ rows: Array<{ name: string }> }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'clicks'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/**
 * Creates missing monthly partitions from this month to MONTHS_AHEAD ahead. One month at a time:
 * a month whose rows already sit in the default partition cannot be created, and must not stop
 * the others (it is logged; those rows stay queryable in the default partition).
 */
export async function ensurePartitions(services: Services, now = new Date()): Promise<string[]> {
  const before = new Set(await clickPartitions(services.db));
  for (let i = 0; i <= MONTHS_AHEAD; i++) {
    const month = utcDay(monthStart(now, i));
    try {
      await services.db.raw('SELECT ensure_click_partitions(?::date, 1)', [month]);
    } catch (err) {
      services.logger.error({ category: 'partitions', month, err: (err as Error).message }, 'could not create click partition');
    }
  }
  return (await clickPartitions(services.db)).filter((name) => !before.has(name));
}

/**
 * Applies the retention period to raw clicks: drops every monthly partition that ends on or
 * before the cutoff (retention is rounded up to whole months), and deletes older rows from the
 * default partition. Daily aggregates are separate tables and stay.
 */
export async function applyRetention(services: Services, retentionDays: number, now = new Date()): Promise<Omit<PartitionReport, 'created'>> {
  const cutoff = retentionCutoff(retentionDays, now);
  const dropped: string[] = [];
  for (const name of await clickPartitions(services.db)) {
    const match = /^clicks_(\d{4})_(\d{2})$/.exec(name);
    if (!match) continue;
    const end = new Date(Date.UTC(Number(match[1]), Number(match[2]), 1)); // first day of the next month
    if (end.getTime() > cutoff.getTime()) continue;
    // Detach first so the drop never takes a lock on the parent longer than needed.
    await services.db.raw('ALTER TABLE clicks DETACH PARTITION ??', [name]);
    await services.db.raw('DROP TABLE ??', [name]);
    dropped.push(name);
  }
  const deleted = await services.db.raw<{ rowCount: number }>('DELETE FROM clicks_default WHERE clicked_at < ?', [cutoff.toISOString()]);
  if (dropped.length > 0 || deleted.rowCount > 0) {
    services.logger.info({ category: 'partitions', dropped, deletedFromDefault: deleted.rowCount, cutoff: cutoff.toISOString() }, 'old clicks removed');
  }
  return { dropped, deletedFromDefault: deleted.rowCount };
}

/** Processor of `maintain-partitions` (scheduled daily): partitions ahead, then retention. */
export async function maintainPartitions(services: Services, now = new Date()): Promise<PartitionReport> {
  const created = await ensurePartitions(services, now);
  const retention = services.config.clickRetentionDays;
  const removed = retention == null ? { dropped: [], deletedFromDefault: 0 } : await applyRetention(services, retention, now);
  return { created, ...removed };
}
