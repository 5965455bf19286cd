import type { Db } from './knex';

/**
 * The package reads behind analytics, the summary and badges. They use the counters the ingest
 * worker keeps current on packages (total_installs = install sessions, unique_ips), so none of
 * them scans install_events.
 */

/**
 * What may be looked up as a slug: 1-200 characters, no control characters (PostgreSQL refuses
 * NUL in text) and no slash. Anything else cannot name a package, so callers answer not found
 * without a query.
 */
export const LOOKUP_SLUG = /^[^/\u0000-\u001f\u007f]{1,200}$/;

export interface AnalyticsPackage {
  id: number;
  slug: string;
  display_name: string;
}

/** The user's package with this slug; another user's package is simply not found. */
export async function findOwnedPackage(db: Db, userId: number, slug: string): Promise<AnalyticsPackage | undefined> {
  return db('packages').select('id', 'slug', 'display_name').where({ user_id: userId, slug }).first();
}

export interface PackageSummary {
  total_packages: number;
  total_installs: number;
  total_unique_ips: number;
  top_packages: Array<{ slug: string; installs: number }>;
}

/**
 * Totals across the user's packages. total_unique_ips is the sum of each package's unique IPs:
 * an address that installed two packages counts once in each.
 */
export async function packageSummary(db: Db, userId: number, top = 10): Promise<PackageSummary> {
  const [totals, topRows] = await Promise.all([
    db('packages')
      .where({ user_id: userId })
      .first(db.raw('count(*)::int AS total_packages'), db.raw('COALESCE(sum(total_installs), 0)::bigint AS total_installs'), db.raw('COALESCE(sum(unique_ips), 0)::bigint AS total_unique_ips')),
    db('packages').select('slug', 'total_installs').where({ user_id: userId }).orderBy([{ column: 'total_installs', order: 'desc' }, { column: 'slug', order: 'asc' }]).limit(top),
  ]);
  const row = totals as { total_packages: number; total_installs: number; total_unique_ips: number } | undefined;
  return {
    total_packages: row?.total_packages ?? 0,
    total_installs: row?.total_installs ?? 0,
    total_unique_ips: row?.total_unique_ips ?? 0,
    top_packages: (topRows as Array<{ slug: string; total_installs: number }>).map((r) => ({ slug: r.slug, installs: r.total_installs })),
  };
}

export interface BadgePackage {
  installs: number;
  isPrivate: boolean;
}

/** What a public badge may show of a package, by slug; undefined when there is none. */
export async function findBadgePackage(db: Db, slug: string): Promise<BadgePackage | undefined> {
  const row = (await db('packages').select('total_installs', 'is_private').where({ slug }).first()) as { total_installs: number; is_private: boolean } | undefined;
  return row ? { installs: row.total_installs, isPrivate: row.is_private } : undefined;
}

/** A package's installs per UTC day from firstDay to lastDay ('YYYY-MM-DD'), from the daily rollups; days without installs are absent. */
export async function dailyInstalls(db: Db, packageId: number, firstDay: string, lastDay: string): Promise<Map<string, number>> {
  const rows = await db.raw<{ rows: Array<{ day: string; installs: number }> }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, installs FROM package_install_days WHERE package_id = ? AND day BETWEEN ?::date AND ?::date`,
    [packageId, firstDay, lastDay],
  );
  return new Map(rows.rows.map((r) => [r.day, r.installs]));
}
