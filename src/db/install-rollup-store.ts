import { utcDay } from '../lib/days';
import type { Db } from './knex';

/** One package and one UTC day ('YYYY-MM-DD') whose rollup row should be recomputed. */
export interface PackageDay {
  packageId: number;
  day: string;
}

export interface InstallDayRow {
  package_id: number;
  day: string;
  installs: number;
  unique_ips: number;
  by_os: Record<string, number>;
  by_country: Record<string, number>;
  by_source: Record<string, number>;
  /** 64-bit digests, read as decimal strings (pg leaves int8 arrays as text). */
  ip_hashes: string[];
}

/** Statements stay a bounded size however many pairs a catch-up run finds. */
const CHUNK = 500;

// The proxy reports OS names as git/UA parsing saw them; the API promises lowercase family keys.
const OS_KEY = `CASE
    WHEN s.os IS NULL OR btrim(s.os) = '' THEN 'unknown'
    WHEN lower(s.os) LIKE 'win%' THEN 'windows'
    WHEN lower(s.os) ~ '^(mac|darwin|os *x)' THEN 'macos'
    WHEN lower(s.os) ~ '(linux|ubuntu|debian|fedora|centos|arch)' THEN 'linux'
    ELSE left(lower(btrim(s.os)), 32)
  END`;

/**
 * Recomputes the daily rollup rows of the given (package, day) pairs from install_events in one
 * INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE SET x = EXCLUDED.x: every column is
 * replaced by a fresh aggregate, so a retried or duplicated job changes nothing.
 *
 * An install is a session (distinct session_id) that delivered a pack (or a .nupkg), counted on
 * the UTC day of its first delivery; sessions that delivered the day before are found by looking
 * one day back and left out. A session's OS and country are those of its first event that has
 * one; its source that of its install id (install-start), or 'direct' without one.
 * unique_ips counts distinct addresses with any event that day.
 * `proceed` is asked once the packages' locks are held; false skips the chunk.
 */
export async function recomputeInstallDays(db: Db, pairs: readonly PackageDay[], proceed: () => Promise<boolean> = async () => true): Promise<number> {
  let written = 0;
  for (let i = 0; i < pairs.length; i += CHUNK) {
    const chunk = pairs.slice(i, i + CHUNK);
    written += await db.transaction(async (trx) => {
      // Two recomputes of one package must not race: the one that read events earlier could
      // commit last and leave older figures. Holding a per-package lock (taken in id order, so
      // never a deadlock) makes the INSERT's snapshot start after the previous one committed.
      const ids = [...new Set(chunk.map((p) => p.packageId))].sort((a, b) => a - b);
      await trx.raw(`SELECT pg_advisory_xact_lock(hashtextextended('install-rollup:' || id, 0)) FROM unnest(?::bigint[]) AS u(id)`, [ids]);
      // Asked under the lock: has a recompute that committed meanwhile made this one unnecessary?
      if (!(await proceed())) return 0;
      const result = await trx.raw<{ rowCount: number }>(
        `WITH targets AS (
           SELECT DISTINCT t.package_id, t.day
           FROM unnest(?::bigint[], ?::date[]) AS t(package_id, day)
           WHERE EXISTS (SELECT 1 FROM packages p WHERE p.id = t.package_id)
         ),
         -- LATERAL keeps each target an index range scan on (package_id, occurred_at).
         sessions AS (
           SELECT t.package_id, t.day, s.os, s.country,
                  CASE WHEN s.install_id IS NULL THEN 'direct'
                       ELSE COALESCE((SELECT i.source FROM install_sessions i WHERE i.install_id = s.install_id), 'unspecified') END AS source
           FROM targets t
           CROSS JOIN LATERAL (
             SELECT e.session_id,
                    (array_agg(e.os ORDER BY e.occurred_at) FILTER (WHERE e.os IS NOT NULL))[1] AS os,
                    (array_agg(upper(btrim(e.country_code)) ORDER BY e.occurred_at)
                       FILTER (WHERE btrim(e.country_code) ~ '^[A-Za-z]{2}$'))[1] AS country,
                    (array_agg(e.install_id ORDER BY e.occurred_at) FILTER (WHERE e.install_id IS NOT NULL))[1] AS install_id
             FROM install_events e
             WHERE e.package_id = t.package_id
               AND e.occurred_at >= ((t.day - 1)::timestamp AT TIME ZONE 'UTC')
               AND e.occurred_at < ((t.day + 1)::timestamp AT TIME ZONE 'UTC')
             GROUP BY e.session_id
             HAVING min(e.occurred_at) FILTER (WHERE e.delivered) >= (t.day::timestamp AT TIME ZONE 'UTC')
           ) s
         ),
         installs AS (
           SELECT package_id, day, count(*)::int AS n FROM sessions GROUP BY package_id, day
         ),
         os_counts AS (
           SELECT package_id, day, jsonb_object_agg(os_key, n) AS by_os
           FROM (SELECT s.package_id, s.day, ${OS_KEY} AS os_key, count(*)::int AS n FROM sessions s GROUP BY 1, 2, 3) x
           GROUP BY package_id, day
         ),
         country_counts AS (
           SELECT package_id, day, jsonb_object_agg(country, n) AS by_country
           FROM (SELECT package_id, day, country, count(*)::int AS n FROM sessions WHERE country IS NOT NULL GROUP BY 1, 2, 3) x
           GROUP BY package_id, day
         ),
         source_counts AS (
           SELECT package_id, day, jsonb_object_agg(source, n) AS by_source
           FROM (SELECT package_id, day, source, count(*)::int AS n FROM sessions GROUP BY 1, 2, 3) x
           GROUP BY package_id, day
         ),
         -- 64 bits of each address hash as a bigint: compact, and fast to count distinct.
         ips AS (
           SELECT t.package_id, t.day, h.hashes
           FROM targets t
           CROSS JOIN LATERAL (
             SELECT array_agg(DISTINCT ('x' || left(md5(e.hashed_ip), 16))::bit(64)::bigint) AS hashes
             FROM install_events e
             WHERE e.package_id = t.package_id
               AND e.occurred_at >= (t.day::timestamp AT TIME ZONE 'UTC')
               AND e.occurred_at < ((t.day + 1)::timestamp AT TIME ZONE 'UTC')
           ) h
         )
         INSERT INTO package_install_days AS d (package_id, day, installs, unique_ips, by_os, by_country, by_source, ip_hashes, computed_at)
         SELECT t.package_id, t.day,
                COALESCE(i.n, 0),
                COALESCE(cardinality(ip.hashes), 0),
                COALESCE(o.by_os, '{}'::jsonb),
                COALESCE(c.by_country, '{}'::jsonb),
                COALESCE(so.by_source, '{}'::jsonb),
                COALESCE(ip.hashes, '{}'::bigint[]),
                now()
         FROM targets t
         LEFT JOIN installs i ON i.package_id = t.package_id AND i.day = t.day
         LEFT JOIN os_counts o ON o.package_id = t.package_id AND o.day = t.day
         LEFT JOIN country_counts c ON c.package_id = t.package_id AND c.day = t.day
         LEFT JOIN source_counts so ON so.package_id = t.package_id AND so.day = t.day
         LEFT JOIN ips ip ON ip.package_id = t.package_id AND ip.day = t.day
         ON CONFLICT (package_id, day) DO UPDATE SET
           installs = EXCLUDED.installs,
           unique_ips = EXCLUDED.unique_ips,
           by_os = EXCLUDED.by_os,
           by_country = EXCLUDED.by_country,
           by_source = EXCLUDED.by_source,
           ip_hashes = EXCLUDED.ip_hashes,
           computed_at = EXCLUDED.computed_at`,
        [chunk.map((p) => p.packageId), chunk.map((p) => p.day)],
      );
      return result.rowCount;
    });
  }
  return written;
}

/**
 * The (package, day) pairs with install events in the last `days` UTC days, today included:
 * what the periodic catch-up recomputes. One index probe per package and day on
 * install_events (package_id, occurred_at), so it never scans the whole table.
 */
export async function recentInstallDays(db: Db, days: number, now = new Date()): Promise<PackageDay[]> {
  const { rows } = await db.raw<{ rows: Array<{ package_id: number; day: string }> }>(
    `SELECT p.id AS package_id, to_char(d.day, 'YYYY-MM-DD') AS day
     FROM packages p
     CROSS JOIN LATERAL (SELECT ?::date - g.n AS day FROM generate_series(0, ?::int - 1) AS g(n)) AS d
     WHERE EXISTS (
       SELECT 1 FROM install_events e
       WHERE e.package_id = p.id
         AND e.occurred_at >= (d.day::timestamp AT TIME ZONE 'UTC')
         AND e.occurred_at < ((d.day + 1)::timestamp AT TIME ZONE 'UTC')
     )
     ORDER BY p.id, d.day`,
    [utcDay(now), days],
  );
  return rows.map((r) => ({ packageId: r.package_id, day: r.day }));
}

export interface InstallWindow {
  daily: Map<string, number>;
  installs: number;
  uniqueIps: number;
  byOs: Record<string, number>;
  byCountry: Record<string, number>;
  bySource: Record<string, number>;
}

/** Keys by descending count (then name), so the JSON reads most-common first as the docs show. */
function ranked(rows: Array<{ key: string; n: number }>): Record<string, number> {
  const sorted = [...rows].sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
  return Object.fromEntries(sorted.map((r) => [r.key, r.n]));
}

/**
 * A package's installs over the UTC days firstDay..lastDay, read from the rollups only.
 * Unique IPs are the distinct hashes across the window's days, not a sum of daily counts.
 */
export async function installWindow(db: Db, packageId: number, firstDay: string, lastDay: string): Promise<InstallWindow> {
  const range = [packageId, firstDay, lastDay];
  const inWindow = 'package_id = ? AND day BETWEEN ?::date AND ?::date';
  const [daily, unique, breakdown] = await Promise.all([
    db.raw<{ rows: Array<{ day: string; installs: number }> }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, installs FROM package_install_days WHERE ${inWindow}`,
      range,
    ),
    db.raw<{ rows: Array<{ n: number }> }>(
      `SELECT count(DISTINCT h)::int AS n FROM package_install_days d, unnest(d.ip_hashes) AS h WHERE ${inWindow}`,
      range,
    ),
    db.raw<{ rows: Array<{ dim: 'os' | 'country' | 'source'; key: string; n: number }> }>(
      `SELECT 'os' AS dim, kv.key, sum(kv.value::int)::int AS n
       FROM package_install_days d, jsonb_each_text(d.by_os) AS kv WHERE ${inWindow} GROUP BY kv.key
       UNION ALL
       SELECT 'country' AS dim, kv.key, sum(kv.value::int)::int AS n
       FROM package_install_days d, jsonb_each_text(d.by_country) AS kv WHERE ${inWindow} GROUP BY kv.key
       UNION ALL
       SELECT 'source' AS dim, kv.key, sum(kv.value::int)::int AS n
       FROM package_install_days d, jsonb_each_text(d.by_source) AS kv WHERE ${inWindow} GROUP BY kv.key`,
      [...range, ...range, ...range],
    ),
  ]);
  const perDay = new Map(daily.rows.map((r) => [r.day, r.installs]));
  return {
    daily: perDay,
    installs: [...perDay.values()].reduce((a, b) => a + b, 0),
    uniqueIps: unique.rows[0]?.n ?? 0,
    byOs: ranked(breakdown.rows.filter((r) => r.dim === 'os')),
    byCountry: ranked(breakdown.rows.filter((r) => r.dim === 'country')),
    bySource: ranked(breakdown.rows.filter((r) => r.dim === 'source')),
  };
}

export async function installDays(db: Db, packageId: number): Promise<InstallDayRow[]> {
  return db('package_install_days')
    .select('package_id', db.raw(`to_char(day, 'YYYY-MM-DD') AS day`), 'installs', 'unique_ips', 'by_os', 'by_country', 'by_source', 'ip_hashes')
    .where({ package_id: packageId })
    .orderBy('day');
}
