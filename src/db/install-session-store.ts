import type { InstallPhase, InstallProgressMark } from '../lib/edge-events';
import type { Db } from './knex';

/** The sources the pkglnk client reports at install-start; an install without an id is 'direct'. */
export const INSTALL_SOURCES = ['pkglnk-unity-window', 'pkglnk-web'] as const;
export type InstallSource = (typeof INSTALL_SOURCES)[number];

export interface InstallSessionRow {
  install_id: string;
  package_id: number;
  source: InstallSource | null;
  phase: InstallPhase;
  created_at: Date;
  updated_at: Date;
}

// Phases only move forward, in this order: marks of one install may be stored out of order
// (batches run concurrently), and a failed pack request git retries may still complete.
const PHASE_ORDER = `ARRAY['pending', 'resolving', 'downloading', 'failed', 'complete']::text[]`;

/**
 * Registers an install id for a package (install-start). Idempotent: the same id again keeps its
 * row (a source missing so far is filled in). The proxy may have seen the id first, in which
 * case its row exists already. Undefined when the id belongs to another package.
 */
export async function registerInstall(db: Db, installId: string, packageId: number, source: InstallSource | null): Promise<(InstallSessionRow & { inserted: boolean }) | undefined> {
  const { rows } = await db.raw<{ rows: Array<InstallSessionRow & { inserted: boolean }> }>(
    `INSERT INTO install_sessions AS s (install_id, package_id, source) VALUES (?, ?, ?)
     ON CONFLICT (install_id) DO UPDATE SET source = COALESCE(s.source, EXCLUDED.source)
     WHERE s.package_id = EXCLUDED.package_id
     RETURNING *, (xmax = 0) AS inserted`,
    [installId, packageId, source],
  );
  return rows[0];
}

export async function findInstall(db: Db, installId: string): Promise<InstallSessionRow | undefined> {
  return db<InstallSessionRow>('install_sessions').where({ install_id: installId }).first();
}

/**
 * Applies the proxy's marks: each install moves to the furthest phase seen, never back. An id
 * not registered yet (the git request overtook install-start) gets its row here. Marks of a
 * package deleted meanwhile are dropped.
 */
export async function advanceInstalls(db: Db, marks: readonly InstallProgressMark[]): Promise<number> {
  if (marks.length === 0) return 0;
  const result = await db.raw<{ rowCount: number }>(
    `INSERT INTO install_sessions AS s (install_id, package_id, phase, created_at, updated_at)
     SELECT DISTINCT ON (m.install_id) m.install_id, m.package_id, m.phase, m.at, m.at
     FROM unnest(?::text[], ?::bigint[], ?::text[], ?::timestamptz[]) AS m(install_id, package_id, phase, at)
     WHERE EXISTS (SELECT 1 FROM packages p WHERE p.id = m.package_id)
     ORDER BY m.install_id, array_position(${PHASE_ORDER}, m.phase) DESC, m.at
     ON CONFLICT (install_id) DO UPDATE SET phase = EXCLUDED.phase, updated_at = GREATEST(s.updated_at, EXCLUDED.updated_at)
     WHERE s.package_id = EXCLUDED.package_id
       AND array_position(${PHASE_ORDER}, s.phase) < array_position(${PHASE_ORDER}, EXCLUDED.phase)`,
    [marks.map((m) => m.installId), marks.map((m) => m.packageId), marks.map((m) => m.phase), marks.map((m) => new Date(m.at))],
  );
  return result.rowCount;
}
