import { breakdowns, dailyTotals, topLinks, type Dimension, type Window } from './analytics-store';
import type { Db } from './knex';
import { DAY_MS, utcDay } from '../lib/days';

/**
 * Reads for the dashboard's range analytics (GET /api/v1/analytics/range): any UTC date range,
 * the whole account or one link, optionally narrowed to one value of a click dimension.
 *
 * The account and one-link views read the daily rollups only. The rollups keep each dimension
 * on its own (clicks per country, per device, … but not per country × device), so a view
 * narrowed by a dimension value reads the raw clicks instead, through the (user_id, clicked_at)
 * index over the range; that is the price of "click a row to filter the page". So does a rolling
 * 24 hours (a window that cuts days at the hour), bounded by that index to one user's day of clicks.
 */

export const BREAKDOWN_DIMENSIONS = ['country', 'device', 'browser', 'os', 'referrer'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export interface RangeFilter {
  linkId?: number;
  /** Only the links filed in this collection (and, for installs, its packages). */
  collectionId?: number;
  /** One value per dimension; '' is never a filter. */
  values: Partial<Record<BreakdownDimension, string>>;
  /** Read the raw clicks even without a value filter: a window that does not fall on whole UTC days. */
  raw?: boolean;
}

export interface RangeStats {
  clicks: number;
  uniqueVisitors: number;
  /** Clicks per bucket key: 'YYYY-MM-DD' for days, 'YYYY-MM-DDTHH' for hours. */
  buckets: Map<string, number>;
  breakdowns: Record<BreakdownDimension, Array<[string, number]>>;
  /** [weekday 0 = Sunday][UTC hour] */
  heatmap: number[][];
  topLinks: Array<{ id: number; short_code: string; title: string | null; clicks: number }>;
}

const TOP = 20;
const COLUMN: Record<BreakdownDimension, string> = {
  country: 'country_code', device: 'device_type', browser: 'browser_family', os: 'os_family', referrer: 'referrer_domain',
};

function emptyHeatmap(): number[][] {
  return Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
}

function emptyBreakdowns(): Record<BreakdownDimension, Array<[string, number]>> {
  return { country: [], device: [], browser: [], os: [], referrer: [] };
}

function hasValueFilter(filter: RangeFilter): boolean {
  return Object.values(filter.values).some((v) => v !== undefined && v !== '');
}

/**
 * `detail` false reads only what the previous period needs (totals and the series): its
 * breakdowns, heatmap and top links are never shown, and skipping them halves the work.
 */
export async function rangeStats(db: Db, userId: number, window: Window, filter: RangeFilter, hourly: boolean, detail = true): Promise<RangeStats> {
  if (filter.raw || hasValueFilter(filter)) return rawStats(db, userId, window, filter, hourly, detail);
  const links = linkScope(userId, filter);
  if (links) return linkSetStats(db, userId, window, links, hourly, detail);
  return accountStats(db, userId, window, hourly, detail);
}

interface Condition {
  sql: string;
  args: Array<string | number>;
}

/**
 * The links a view is narrowed to, as a condition on a `link_id` column: one link, a
 * collection's links, or both; undefined for the whole account. Every branch keeps to the
 * user's own links (a collection id or link id of another account narrows to nothing).
 */
function linkScope(userId: number, filter: RangeFilter): Condition | undefined {
  const parts: Condition[] = [];
  if (filter.linkId !== undefined) parts.push({ sql: 'link_id = ?', args: [filter.linkId] });
  if (filter.collectionId !== undefined) parts.push({ sql: 'link_id IN (SELECT id FROM links WHERE user_id = ? AND collection_id = ?)', args: [userId, filter.collectionId] });
  if (parts.length === 0) return undefined;
  return { sql: parts.map((p) => p.sql).join(' AND '), args: parts.flatMap((p) => p.args) };
}

/** The raw clicks of the view: the user's, in the window, narrowed by links and values (bots not excluded here). */
function clickConditions(userId: number, window: Window, filter: RangeFilter): Condition {
  const conditions = ['user_id = ?', 'clicked_at >= ?', 'clicked_at < ?'];
  const args: Array<string | number> = [userId, window.start.toISOString(), window.end.toISOString()];
  const links = linkScope(userId, filter);
  if (links) {
    conditions.push(links.sql);
    args.push(...links.args);
  }
  for (const dimension of BREAKDOWN_DIMENSIONS) {
    const value = filter.values[dimension];
    if (value === undefined || value === '') continue;
    conditions.push(`${COLUMN[dimension]} = ?`);
    args.push(value);
  }
  return { sql: conditions.join(' AND '), args };
}

/**
 * Clicks judged to be bots in the view, which no other figure includes: read from the raw
 * clicks (the rollups leave bots out), through the bots-only partial index on (user_id, clicked_at).
 */
export async function rangeBotClicks(db: Db, userId: number, window: Window, filter: RangeFilter): Promise<number> {
  const where = clickConditions(userId, window, filter);
  const { rows } = await db.raw<{ rows: Array<{ n: number }> }>(`SELECT count(*)::int AS n FROM clicks WHERE ${where.sql} AND is_bot`, where.args);
  return rows[0]?.n ?? 0;
}

function when<T>(wanted: boolean, read: () => Promise<T>, otherwise: T): Promise<T> {
  return wanted ? read() : Promise.resolve(otherwise);
}

const NO_ROWS = { rows: [] };

async function hourRows(db: Db, table: string, where: string, args: Array<string | number>): Promise<Array<{ day: string; dow: number; hour: number; clicks: number }>> {
  const { rows } = await db.raw<{ rows: Array<{ day: string; dow: number; hour: number; clicks: number }> }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, extract(dow FROM day)::int AS dow, key::int AS hour, sum(clicks)::bigint AS clicks
     FROM ${table} WHERE ${where} AND dimension = 'hour' AND key <> '' GROUP BY day, key`,
    args,
  );
  return rows;
}

function fold(hours: Array<{ day: string; dow: number; hour: number; clicks: number }>, buckets: Map<string, number>, hourly: boolean): number[][] {
  const heatmap = emptyHeatmap();
  for (const r of hours) {
    const row = heatmap[r.dow];
    if (row) row[r.hour] = (row[r.hour] ?? 0) + Number(r.clicks);
    if (hourly) buckets.set(`${r.day}T${String(r.hour).padStart(2, '0')}`, Number(r.clicks));
  }
  return heatmap;
}

async function accountStats(db: Db, userId: number, window: Window, hourly: boolean, detail: boolean): Promise<RangeStats> {
  const range: Array<string | number> = [userId, utcDay(window.start), utcDay(window.end)];
  const [totals, split, hours, links] = await Promise.all([
    dailyTotals(db, userId, window),
    when(detail, () => breakdowns(db, userId, window, [...BREAKDOWN_DIMENSIONS] as Dimension[]), { country: [], device: [], browser: [], os: [], referrer: [], hour: [] }),
    when(detail || hourly, () => hourRows(db, 'user_daily_breakdowns', 'user_id = ? AND day >= ?::date AND day < ?::date', range), []),
    when(detail, () => topLinks(db, userId, window, TOP), []),
  ]);
  const buckets = new Map<string, number>();
  if (!hourly) for (const d of totals.byDay) buckets.set(d.day, d.clicks);
  return {
    clicks: totals.totalClicks,
    uniqueVisitors: totals.uniqueVisitors,
    buckets,
    breakdowns: {
      country: split.country.slice(0, TOP * 3), device: split.device, browser: split.browser.slice(0, TOP),
      os: split.os.slice(0, TOP), referrer: split.referrer.slice(0, TOP),
    },
    heatmap: fold(hours, buckets, hourly),
    topLinks: links.map((l) => ({ id: l.id, short_code: l.short_code, title: l.title, clicks: Number(l.clicks) })),
  };
}

/** One link, or a set of links (a collection), from the per-link rollups. */
async function linkSetStats(db: Db, userId: number, window: Window, links: Condition, hourly: boolean, detail: boolean): Promise<RangeStats> {
  const inRange = `${links.sql} AND user_id = ? AND day >= ?::date AND day < ?::date`;
  const range: Array<string | number> = [...links.args, userId, utcDay(window.start), utcDay(window.end)];
  const [daily, split, hours, unique, top] = await Promise.all([
    db.raw<{ rows: Array<{ day: string; clicks: number }> }>(`SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(clicks)::int AS clicks FROM link_daily_stats WHERE ${inRange} GROUP BY day`, range),
    when(detail, () => db.raw<{ rows: Array<{ dimension: BreakdownDimension; key: string; clicks: number }> }>(
      `SELECT dimension, key, sum(clicks)::bigint AS clicks FROM link_daily_breakdowns
       WHERE ${inRange} AND dimension <> 'hour' AND key <> '' GROUP BY dimension, key ORDER BY clicks DESC, key`,
      range,
    ), NO_ROWS),
    when(detail || hourly, () => hourRows(db, 'link_daily_breakdowns', inRange, range), []),
    // Daily unique counts cannot be summed over days; a link's (or a collection's) clicks are few enough to count.
    db.raw<{ rows: Array<{ n: number }> }>(
      `SELECT count(DISTINCT hashed_ip)::int AS n FROM clicks WHERE ${links.sql} AND user_id = ? AND clicked_at >= ? AND clicked_at < ? AND NOT is_bot`,
      [...links.args, userId, window.start.toISOString(), window.end.toISOString()],
    ),
    when(detail, () => db.raw<{ rows: Array<{ id: number; short_code: string; title: string | null; clicks: number }> }>(
      `SELECT l.id, l.short_code, l.title, s.clicks FROM (SELECT link_id, sum(clicks)::int AS clicks FROM link_daily_stats WHERE ${inRange} GROUP BY link_id) s
       JOIN links l ON l.id = s.link_id WHERE s.clicks > 0 ORDER BY s.clicks DESC, l.id LIMIT ${TOP}`,
      range,
    ), NO_ROWS),
  ]);
  const buckets = new Map<string, number>();
  let clicks = 0;
  for (const r of daily.rows) {
    clicks += r.clicks;
    if (!hourly) buckets.set(r.day, r.clicks);
  }
  const out = emptyBreakdowns();
  for (const r of split.rows) out[r.dimension]?.push([r.key, Number(r.clicks)]);
  return {
    clicks,
    uniqueVisitors: unique.rows[0]?.n ?? 0,
    buckets,
    breakdowns: out,
    heatmap: fold(hours, buckets, hourly),
    topLinks: top.rows.map((l) => ({ ...l, id: Number(l.id) })),
  };
}

async function rawStats(db: Db, userId: number, window: Window, filter: RangeFilter, hourly: boolean, detail: boolean): Promise<RangeStats> {
  const view = clickConditions(userId, window, filter);
  const where = `${view.sql} AND NOT is_bot`;
  const args = view.args;
  const bucket = hourly ? `to_char(clicked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')` : `to_char(clicked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const [totals, series, split, hours, links] = await Promise.all([
    db.raw<{ rows: Array<{ clicks: number; visitors: number }> }>(`SELECT count(*)::int AS clicks, count(DISTINCT hashed_ip)::int AS visitors FROM clicks WHERE ${where}`, args),
    db.raw<{ rows: Array<{ bucket: string; clicks: number }> }>(`SELECT ${bucket} AS bucket, count(*)::int AS clicks FROM clicks WHERE ${where} GROUP BY 1`, args),
    when(detail, () => db.raw<{ rows: Array<{ dimension: BreakdownDimension; key: string; clicks: number }> }>(
      BREAKDOWN_DIMENSIONS.map((d) => `SELECT '${d}' AS dimension, ${COLUMN[d]} AS key, count(*)::int AS clicks FROM clicks WHERE ${where} AND ${COLUMN[d]} IS NOT NULL AND ${COLUMN[d]} <> '' GROUP BY 2`).join(' UNION ALL ')
        + ' ORDER BY clicks DESC, key',
      BREAKDOWN_DIMENSIONS.flatMap(() => args),
    ), NO_ROWS),
    when(detail, () => db.raw<{ rows: Array<{ dow: number; hour: number; clicks: number }> }>(
      `SELECT extract(dow FROM clicked_at AT TIME ZONE 'UTC')::int AS dow, extract(hour FROM clicked_at AT TIME ZONE 'UTC')::int AS hour, count(*)::int AS clicks
       FROM clicks WHERE ${where} GROUP BY 1, 2`,
      args,
    ), NO_ROWS),
    when(detail, () => db.raw<{ rows: Array<{ id: number; short_code: string; title: string | null; clicks: number }> }>(
      `SELECT l.id, l.short_code, l.title, c.clicks FROM (SELECT link_id, count(*)::int AS clicks FROM clicks WHERE ${where} GROUP BY link_id ORDER BY clicks DESC, link_id LIMIT ${TOP}) c
       JOIN links l ON l.id = c.link_id ORDER BY c.clicks DESC, l.id`,
      args,
    ), NO_ROWS),
  ]);
  const out = emptyBreakdowns();
  for (const r of split.rows) out[r.dimension].push([r.key.trim(), r.clicks]);
  for (const d of BREAKDOWN_DIMENSIONS) out[d] = out[d].slice(0, d === 'country' ? TOP * 3 : TOP);
  const heatmap = emptyHeatmap();
  for (const r of hours.rows) {
    const row = heatmap[r.dow];
    if (row) row[r.hour] = r.clicks;
  }
  return {
    clicks: totals.rows[0]?.clicks ?? 0,
    uniqueVisitors: totals.rows[0]?.visitors ?? 0,
    buckets: new Map(series.rows.map((r) => [r.bucket, r.clicks])),
    breakdowns: out,
    heatmap,
    topLinks: links.rows,
  };
}

/** Conversions of the user (or of the view's links) converted in the window, per day or hour bucket (as the click buckets). */
export async function conversionBuckets(db: Db, userId: number, window: Window, filter: Pick<RangeFilter, 'linkId' | 'collectionId'>, hourly: boolean): Promise<Map<string, number>> {
  const bucket = hourly ? `to_char(converted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')` : `to_char(converted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const links = linkScope(userId, { ...filter, values: {} });
  const { rows } = await db.raw<{ rows: Array<{ bucket: string; n: number }> }>(
    `SELECT ${bucket} AS bucket, count(*)::int AS n FROM conversions WHERE user_id = ? AND converted_at >= ? AND converted_at < ?${links ? ` AND ${links.sql}` : ''} GROUP BY 1`,
    [userId, window.start.toISOString(), window.end.toISOString(), ...(links?.args ?? [])],
  );
  return new Map(rows.map((r) => [r.bucket, r.n]));
}

/**
 * Installs of all the user's packages (or of one collection's) over the window: from the daily rollups for whole days, or
 * with `raw` from the install events (sessions first delivered in the window) for a window cut
 * at the hour, counted as the rollups count them.
 */
export async function installsIn(db: Db, userId: number, window: Window, raw = false, collectionId?: number): Promise<number> {
  const inCollection = collectionId !== undefined ? ' AND p.id IN (SELECT package_id FROM collection_packages WHERE collection_id = ?)' : '';
  const collectionArgs = collectionId !== undefined ? [collectionId] : [];
  const { rows } = raw
    ? await db.raw<{ rows: Array<{ n: number }> }>(
      `SELECT count(*)::int AS n FROM (
         SELECT e.session_id FROM packages p JOIN install_events e ON e.package_id = p.id
         WHERE p.user_id = ?${inCollection} AND e.occurred_at >= ? AND e.occurred_at < ?
         GROUP BY e.package_id, e.session_id
         HAVING min(e.occurred_at) FILTER (WHERE e.delivered) >= ?
       ) s`,
      [userId, ...collectionArgs, new Date(window.start.getTime() - DAY_MS).toISOString(), window.end.toISOString(), window.start.toISOString()],
    )
    : await db.raw<{ rows: Array<{ n: number }> }>(
      `SELECT coalesce(sum(d.installs), 0)::int AS n FROM package_install_days d JOIN packages p ON p.id = d.package_id
       WHERE p.user_id = ?${inCollection} AND d.day >= ?::date AND d.day < ?::date`,
      [userId, ...collectionArgs, utcDay(window.start), utcDay(window.end)],
    );
  return rows[0]?.n ?? 0;
}
