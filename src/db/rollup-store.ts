import type { Knex } from 'knex';
import { DAY_MS, utcMidnight } from '../lib/days';
import { addIds, addRegisters, EXACT_VISITORS_MAX, emptySketch } from '../lib/hll';
import type { Db } from './knex';

/**
 * Daily click rollups recomputed from the raw clicks: the repair and backfill path (a stored
 * batch adds its own clicks to the aggregates as it commits: rollup-increments.ts). Every
 * aggregate of a link-day is recomputed and upserted with EXCLUDED values, so recomputing gives
 * the same rows and a retried job is harmless. Bots are stored in clicks but excluded here, so
 * they are in no count.
 */

function dayBounds(day: string): [string, string] {
  const start = new Date(`${day}T00:00:00Z`);
  return [start.toISOString(), new Date(start.getTime() + DAY_MS).toISOString()];
}

/**
 * The advisory lock of a user-day's aggregates, as an SQL expression of a user id and a
 * 'YYYY-MM-DD' day. A recompute holds it exclusively; a batch adding its clicks
 * (rollup-increments.ts) holds it shared, so neither overwrites the other.
 */
export function userDayLockKey(userSql: string, daySql: string): string {
  return `hashtextextended('click-rollup:' || ${userSql} || ':' || ${daySql}, 0)`;
}

export interface RollupResult {
  userDays: number;
  linkDays: number;
  /** When the earliest link-day still pending becomes due, if any. */
  nextDueAt: Date | null;
}

/** Rolls up every link-day due by now, one user-day per transaction, at most `maxUserDays` of them. */
export async function rollupDue(db: Db, options: { maxUserDays?: number; retentionDays?: number | null } = {}): Promise<RollupResult> {
  const candidates = await db.raw<{ rows: Array<{ user_id: number; day: string }> }>(
    `SELECT user_id, to_char(day, 'YYYY-MM-DD') AS day FROM click_rollup_pending
     WHERE due_at <= now() GROUP BY user_id, day ORDER BY min(due_at) LIMIT ?`,
    [options.maxUserDays ?? 500],
  );
  let linkDays = 0;
  for (const { user_id, day } of candidates.rows) {
    linkDays += await rollupUserDay(db, user_id, day, { retentionDays: options.retentionDays ?? null });
  }
  const next = await db.raw<{ rows: Array<{ due: Date | null }> }>('SELECT min(due_at) AS due FROM click_rollup_pending');
  return { userDays: candidates.rows.length, linkDays, nextDueAt: next.rows[0]?.due ?? null };
}

/**
 * Recomputes one user-day: its due link-days (or all of `linkIds`), then the user-day totals.
 * User-days are serialised by an advisory lock, so two workers never interleave and the last to
 * recompute sees everything committed before it. Returns how many link-days were recomputed
 * (0 when another pass holds the user-day).
 */
export async function rollupUserDay(
  db: Db,
  userId: number,
  day: string,
  options: { linkIds?: number[]; retentionDays?: number | null } = {},
): Promise<number> {
  return db.transaction(async (trx) => {
    // A pass that finds the user-day taken skips it rather than wait holding a connection: the
    // other pass recomputes it, and anything left pending is booked for the next pass.
    const key = userDayLockKey('?::text', '?::text');
    const locked = options.linkIds
      ? await trx.raw(`SELECT pg_advisory_xact_lock(${key}), true AS ok`, [userId, day])
      : await trx.raw(`SELECT pg_try_advisory_xact_lock(${key}) AS ok`, [userId, day]);
    if (!(locked as { rows: Array<{ ok: boolean }> }).rows[0]?.ok) return 0;
    const pending = await trx.raw<{ rows: Array<{ link_id: number; version: number }> }>(
      options.linkIds
        ? 'SELECT link_id, version FROM click_rollup_pending WHERE user_id = ? AND day = ? AND link_id = ANY(?::bigint[])'
        : 'SELECT link_id, version FROM click_rollup_pending WHERE user_id = ? AND day = ? AND due_at <= now()',
      options.linkIds ? [userId, day, options.linkIds] : [userId, day],
    );
    const linkIds = options.linkIds ?? pending.rows.map((r) => r.link_id);
    // Raw clicks older than the retention period may be gone: recomputing would erase their
    // aggregates, which are kept. Such link-days are only taken off the pending list.
    const expired = options.retentionDays != null && new Date(`${day}T00:00:00Z`).getTime() < retentionCutoff(options.retentionDays).getTime();
    if (linkIds.length > 0 && !expired) {
      await recomputeLinkDays(trx, userId, day, linkIds);
      await recomputeUserDay(trx, userId, day, linkIds);
    }
    // Only rows no batch has touched since they were read: a newer version means new clicks.
    await trx.raw(
      `DELETE FROM click_rollup_pending p USING unnest(?::bigint[], ?::int[]) AS v(link_id, version)
       WHERE p.link_id = v.link_id AND p.day = ?::date AND p.version = v.version`,
      [pending.rows.map((r) => r.link_id), pending.rows.map((r) => r.version), day],
    );
    return expired ? 0 : linkIds.length;
  });
}

/** Start (UTC midnight) of the oldest day whose raw clicks are kept. */
export function retentionCutoff(retentionDays: number, now = new Date()): Date {
  return new Date(utcMidnight(now) - retentionDays * DAY_MS);
}

const RAW_FILTER = 'link_id = ANY(?::bigint[]) AND clicked_at >= ? AND clicked_at < ? AND NOT is_bot';

async function recomputeLinkDays(trx: Knex.Transaction, userId: number, day: string, linkIds: number[]): Promise<void> {
  const [from, to] = dayBounds(day);
  await trx.raw(
    `WITH fresh AS (
       SELECT link_id, ?::date AS day, ?::bigint AS user_id, count(*) AS clicks, count(DISTINCT hashed_ip) AS unique_visitors
       FROM clicks WHERE ${RAW_FILTER} GROUP BY link_id
     ), upserted AS (
       INSERT INTO link_daily_stats (link_id, day, user_id, clicks, unique_visitors) SELECT * FROM fresh
       ON CONFLICT (link_id, day) DO UPDATE SET clicks = EXCLUDED.clicks, unique_visitors = EXCLUDED.unique_visitors
     )
     DELETE FROM link_daily_stats s WHERE s.link_id = ANY(?::bigint[]) AND s.day = ?::date
       AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.link_id = s.link_id)`,
    [day, userId, linkIds, from, to, linkIds, day],
  );
  // One scan, every dimension: in each grouping set only its own column is non-null, so the
  // COALESCE picks the grouped value ('' when the value itself is missing).
  await trx.raw(
    `WITH fresh AS (
       SELECT link_id, ?::date AS day, ?::bigint AS user_id,
              CASE WHEN GROUPING(country_code) = 0 THEN 'country' WHEN GROUPING(device_type) = 0 THEN 'device'
                   WHEN GROUPING(browser_family) = 0 THEN 'browser' WHEN GROUPING(os_family) = 0 THEN 'os'
                   WHEN GROUPING(referrer_domain) = 0 THEN 'referrer' ELSE 'hour' END AS dimension,
              COALESCE(country_code::text, device_type, browser_family, os_family, referrer_domain, hour::text, '') AS key,
              count(*) AS clicks
       FROM (SELECT *, extract(hour FROM clicked_at AT TIME ZONE 'UTC')::int AS hour FROM clicks WHERE ${RAW_FILTER}) c
       GROUP BY link_id, GROUPING SETS ((country_code), (device_type), (browser_family), (os_family), (referrer_domain), (hour))
     ), upserted AS (
       INSERT INTO link_daily_breakdowns (link_id, day, user_id, dimension, key, clicks) SELECT * FROM fresh
       ON CONFLICT (link_id, day, dimension, key) DO UPDATE SET clicks = EXCLUDED.clicks
     )
     DELETE FROM link_daily_breakdowns b WHERE b.link_id = ANY(?::bigint[]) AND b.day = ?::date
       AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.link_id = b.link_id AND f.dimension = b.dimension AND f.key = b.key)`,
    [day, userId, linkIds, from, to, linkIds, day],
  );
}

async function recomputeUserDay(trx: Knex.Transaction, userId: number, day: string, linkIds: number[]): Promise<void> {
  const [from, to] = dayBounds(day);
  await trx.raw(
    `WITH fresh AS (
       SELECT user_id, day, dimension, key, sum(clicks) AS clicks FROM link_daily_breakdowns
       WHERE user_id = ? AND day = ?::date GROUP BY user_id, day, dimension, key
     ), upserted AS (
       INSERT INTO user_daily_breakdowns (user_id, day, dimension, key, clicks) SELECT * FROM fresh
       ON CONFLICT (user_id, day, dimension, key) DO UPDATE SET clicks = EXCLUDED.clicks
     )
     DELETE FROM user_daily_breakdowns b WHERE b.user_id = ? AND b.day = ?::date
       AND NOT EXISTS (SELECT 1 FROM fresh f WHERE f.dimension = b.dimension AND f.key = b.key)`,
    [userId, day, userId, day],
  );

  // Visitors: the recomputed link-days' sketch registers (and ids) merged into the user-day's.
  // Merging is a register-wise maximum (a set union), so adding the same visitors again changes
  // nothing. Read and written under the user-day lock taken above: no concurrent merge is lost.
  const registers = await trx.raw<{ rows: Array<{ idx: number; rank: number }> }>(
    `SELECT idx, max(rank) AS rank FROM (
       SELECT ('x' || substr(hashed_ip, 1, 4))::bit(16)::int >> 2 AS idx,
              COALESCE(NULLIF(position('1' IN substr(('x' || substr(hashed_ip, 1, 16))::bit(64)::text, 15)), 0), 51) AS rank
       FROM clicks WHERE ${RAW_FILTER}
     ) r GROUP BY idx`,
    [linkIds, from, to],
  );
  const current = await trx.raw<{ rows: Array<{ visitors: Buffer; visitor_ids: Buffer | null }> }>(
    'SELECT visitors, visitor_ids FROM user_daily_stats WHERE user_id = ? AND day = ?::date',
    [userId, day],
  );
  const previous = current.rows[0];
  const sketch = addRegisters(previous?.visitors ?? emptySketch(), registers.rows);
  // The exact set, while the day is small: once past the limit it stays NULL (sketch only).
  let ids: Buffer | null = null;
  if (!previous || previous.visitor_ids) {
    const fresh = await trx.raw<{ rows: Array<{ id: string }> }>(
      `SELECT DISTINCT substr(hashed_ip, 1, 16) AS id FROM clicks WHERE ${RAW_FILTER} LIMIT ?`,
      [linkIds, from, to, EXACT_VISITORS_MAX + 1],
    );
    ids = addIds(previous?.visitor_ids ?? Buffer.alloc(0), fresh.rows.map((r) => r.id));
  }
  await trx.raw(
    `INSERT INTO user_daily_stats (user_id, day, clicks, visitors, visitor_ids)
     SELECT ?, ?::date, COALESCE((SELECT sum(clicks) FROM link_daily_stats WHERE user_id = ? AND day = ?::date), 0), ?, ?
     ON CONFLICT (user_id, day) DO UPDATE SET clicks = EXCLUDED.clicks, visitors = EXCLUDED.visitors, visitor_ids = EXCLUDED.visitor_ids`,
    [userId, day, userId, day, sketch, ids],
  );
}

/**
 * Queues every link-day with clicks in [from, to) for a recompute, due now (repair, backfill,
 * and after seeding raw clicks directly). Returns how many link-days were queued.
 */
export async function queueRecompute(db: Db, from: Date, to: Date): Promise<number> {
  const result = await db.raw(
    `INSERT INTO click_rollup_pending (link_id, day, user_id, due_at)
     SELECT link_id, (clicked_at AT TIME ZONE 'UTC')::date, min(user_id), now() FROM clicks
     WHERE clicked_at >= ? AND clicked_at < ? AND NOT is_bot GROUP BY 1, 2
     ON CONFLICT (link_id, day) DO UPDATE SET due_at = now(), version = click_rollup_pending.version + 1`,
    [from.toISOString(), to.toISOString()],
  );
  return (result as { rowCount: number }).rowCount;
}

/** Seconds the oldest due link-day has waited for its rollup (0 when none is overdue): the rollup lag. */
export async function rollupLagSeconds(db: Db): Promise<number> {
  const row = await db('click_rollup_pending').where('due_at', '<=', db.fn.now()).min({ oldest: 'due_at' }).first();
  const oldest = row?.oldest as Date | string | null | undefined;
  return oldest ? Math.max(0, (Date.now() - new Date(oldest).getTime()) / 1000) : 0;
}
