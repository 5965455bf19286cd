import type { InstallEventType } from '../lib/edge-events';
import type { Db } from './knex';

export interface InstallRow {
  event_id: string;
  package_id: number;
  occurred_at: Date;
  event_type: InstallEventType;
  session_id: string;
  hashed_ip: string;
  country_code: string | null;
  city: string | null;
  os: string | null;
  git_version: string | null;
  subpath: string | null;
  /** A pack (or .nupkg) delivered in full: an install. */
  delivered: boolean;
  install_id: string | null;
}

/** An InstallRow as JSON (in a failed job): the derived values only, nothing raw. */
export type StoredInstallJson = Omit<InstallRow, 'occurred_at'> & { occurred_at: string };

export function installToJson(row: InstallRow): StoredInstallJson {
  return { ...row, occurred_at: row.occurred_at.toISOString() };
}

export function installFromJson(json: StoredInstallJson): InstallRow {
  return { ...json, occurred_at: new Date(json.occurred_at) };
}

type Counted = Array<{ package_id: number }>;

function countByPackage(rows: Counted): Map<number, number> {
  const counts = new Map<number, number>();
  for (const { package_id: id } of rows) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/**
 * Stores a batch of install events exactly once and moves each package's counters by what was
 * actually inserted, in one transaction: an install is a session's first delivered pack (or
 * .nupkg) for its package — ref discovery and negotiation rounds alone are none — and a unique
 * IP a keyed IP hash seen for the first time. A redelivered batch inserts
 * nothing and moves nothing. Events of a package deleted since they were minted are dropped.
 */
export async function storeInstalls(db: Db, rows: InstallRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  return db.transaction(async (trx) => {
    // Locks the packages in id order (so concurrent batches cannot deadlock) and learns which still exist.
    const ids = [...new Set(rows.map((r) => r.package_id))].sort((a, b) => a - b);
    const live = await trx.raw<{ rows: Array<{ id: number }> }>('SELECT id FROM packages WHERE id = ANY(?::bigint[]) ORDER BY id FOR NO KEY UPDATE', [ids]);
    const existing = new Set(live.rows.map((r) => Number(r.id)));
    const kept = rows.filter((r) => existing.has(r.package_id));
    if (kept.length === 0) return 0;

    const inserted = (await trx('install_events').insert(kept).onConflict('event_id').ignore().returning(['package_id', 'session_id', 'hashed_ip', 'occurred_at', 'delivered'])) as Array<{ package_id: number; session_id: string; hashed_ip: string; occurred_at: Date; delivered: boolean }>;
    if (inserted.length === 0) return 0;

    const deliveries = inserted.filter((e) => e.delivered);
    const sessions = deliveries.length === 0 ? [] : (await trx('package_install_sessions')
      .insert(deliveries.map((e) => ({ package_id: e.package_id, session_id: e.session_id, started_at: e.occurred_at })))
      .onConflict(['package_id', 'session_id'])
      .ignore()
      .returning('package_id')) as Counted;
    const ips = (await trx('package_unique_ips')
      .insert(inserted.map((e) => ({ package_id: e.package_id, hashed_ip: e.hashed_ip, first_seen_at: e.occurred_at })))
      .onConflict(['package_id', 'hashed_ip'])
      .ignore()
      .returning('package_id')) as Counted;

    const installs = countByPackage(sessions);
    const uniques = countByPackage(ips);
    const moved = [...new Set([...installs.keys(), ...uniques.keys()])];
    if (moved.length > 0) {
      await trx.raw(
        `UPDATE packages SET total_installs = packages.total_installs + v.installs, unique_ips = packages.unique_ips + v.ips
         FROM unnest(?::bigint[], ?::int[], ?::int[]) AS v(id, installs, ips) WHERE packages.id = v.id`,
        [moved, moved.map((id) => installs.get(id) ?? 0), moved.map((id) => uniques.get(id) ?? 0)],
      );
    }
    return inserted.length;
  });
}
