import { DAY_MS, daysEndingToday, daysOf, utcDay } from '../lib/days';
import { estimate, mergeSketches, unionIds } from '../lib/hll';
import type { Db } from './knex';

/**
 * Reads for the analytics endpoints. Only daily aggregates (rollup-store.ts) are read, never raw
 * human clicks (botClicks counts the bots, which no aggregate holds): a window costs about one row per day plus one per (day, breakdown value), whatever
 * the number of clicks.
 */

/** The attribution window: the last `days` UTC days, today included; end is exclusive. */
export interface Window {
  days: number;
  start: Date;
  end: Date;
}

export function windowEndingToday(days: number, now = new Date()): Window {
  return { days, ...daysEndingToday(days, now) };
}

/** The window of as many days just before `window` (compare=previous). */
export function previousWindow(window: Window): Window {
  return { days: window.days, start: new Date(window.start.getTime() - window.days * DAY_MS), end: window.start };
}

/**
 * Clicks judged to be bots in the window: the one count read from raw clicks, because the
 * rollups leave bots out by design. The partial index clicks_bots_idx (bots only) keeps this an
 * index-only count of the bot rows, never a scan of the human ones. Raw clicks past the
 * retention period are gone, so bots older than it are not counted.
 */
export async function botClicks(db: Db, userId: number, window: Window): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ n: number }> }>(
    'SELECT count(*)::int AS n FROM clicks WHERE user_id = ? AND clicked_at >= ? AND clicked_at < ? AND is_bot',
    [userId, window.start.toISOString(), window.end.toISOString()],
  );
  return rows[0]?.n ?? 0;
}

export interface DailyTotals {
  /** Every day of the window, oldest first, zero when there were no clicks. */
  byDay: Array<{ day: string; clicks: number }>;
  /** Clicks per day of week, 0 = Sunday … 6 = Saturday (UTC). */
  byWeekday: number[];
  totalClicks: number;
  /** Distinct hashed IPs over the window: exact while every day had at most 2,048, else a HyperLogLog estimate. */
  uniqueVisitors: number;
}

export async function dailyTotals(db: Db, userId: number, window: Window): Promise<DailyTotals> {
  const { rows } = await db.raw<{ rows: Array<{ day: string; clicks: number; visitors: Buffer; visitor_ids: Buffer | null }> }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, clicks, visitors, visitor_ids FROM user_daily_stats
     WHERE user_id = ? AND day >= ?::date AND day < ?::date`,
    [userId, utcDay(window.start), utcDay(window.end)],
  );
  const clicksByDay = new Map(rows.map((r) => [r.day, r.clicks]));
  const byDay: DailyTotals['byDay'] = [];
  const byWeekday = [0, 0, 0, 0, 0, 0, 0];
  let totalClicks = 0;
  for (const day of daysOf(window)) {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const clicks = clicksByDay.get(day) ?? 0;
    byDay.push({ day, clicks });
    byWeekday[weekday] = (byWeekday[weekday] ?? 0) + clicks;
    totalClicks += clicks;
  }
  const exact = rows.every((r) => r.visitor_ids !== null);
  const uniqueVisitors = exact
    ? unionIds(rows.map((r) => r.visitor_ids as Buffer)).size
    : estimate(mergeSketches(rows.map((r) => r.visitors)));
  return { byDay, byWeekday, totalClicks, uniqueVisitors };
}

export type Dimension = 'country' | 'device' | 'browser' | 'os' | 'referrer' | 'hour';

/** Clicks per value of each requested dimension over the window, largest first. Missing values ('') are left out. */
export async function breakdowns(db: Db, userId: number, window: Window, dimensions: Dimension[]): Promise<Record<Dimension, Array<[string, number]>>> {
  const { rows } = await db.raw<{ rows: Array<{ dimension: Dimension; key: string; clicks: number }> }>(
    `SELECT dimension, key, sum(clicks)::bigint AS clicks FROM user_daily_breakdowns
     WHERE user_id = ? AND day >= ?::date AND day < ?::date AND dimension = ANY(?::text[]) AND key <> ''
     GROUP BY dimension, key ORDER BY clicks DESC, key`,
    [userId, utcDay(window.start), utcDay(window.end), dimensions],
  );
  const out = { country: [], device: [], browser: [], os: [], referrer: [], hour: [] } as Record<Dimension, Array<[string, number]>>;
  for (const row of rows) out[row.dimension].push([row.key, row.clicks]);
  return out;
}

export interface LinkClicks {
  id: number;
  short_code: string;
  title: string | null;
  destination_url: string;
  last_clicked_at: Date | null;
  created_at: Date;
  clicks: number;
  conversions: number;
}

/**
 * The user's links with the most clicks in the window, with their conversions in the window
 * (conversions attributed to the link, from the conversions table).
 */
export async function topLinks(db: Db, userId: number, window: Window, limit: number): Promise<LinkClicks[]> {
  const { rows } = await db.raw<{ rows: LinkClicks[] }>(
    `WITH top AS (
       SELECT link_id, sum(clicks)::bigint AS clicks FROM link_daily_stats
       WHERE user_id = ? AND day >= ?::date AND day < ?::date
       GROUP BY link_id ORDER BY clicks DESC, link_id LIMIT ?
     )
     SELECT l.id, l.short_code, l.title, l.destination_url, l.last_clicked_at, l.created_at, top.clicks,
            (SELECT count(*) FROM conversions c WHERE c.link_id = l.id AND c.user_id = l.user_id
               AND c.converted_at >= ? AND c.converted_at < ?)::bigint AS conversions
     FROM top JOIN links l ON l.id = top.link_id AND l.user_id = ?
     ORDER BY top.clicks DESC, l.id`,
    [userId, utcDay(window.start), utcDay(window.end), limit, window.start.toISOString(), window.end.toISOString(), userId],
  );
  return rows;
}
