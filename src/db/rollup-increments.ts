import type { Knex } from 'knex';
import { DAY_MS, utcDay } from '../lib/days';
import { addIds, addRegisters, emptySketch, visitorId, visitorRegister } from '../lib/hll';
import { userDayLockKey } from './rollup-store';

/**
 * The daily aggregates moved by the clicks a batch actually stored, in the insert's own
 * transaction (an after-insert step of db/click-store.ts): exactly once, like the link counters,
 * and as exact as recomputing them from the raw clicks (rollup-store.ts, which remains the
 * repair). A recompute pass re-read every raw click of a link-day for each few new ones; this
 * reads only the batch, plus one index probe per (link, day, visitor) of the batch, made before
 * it is inserted (findNewVisitors), for the uniques.
 *
 * Why each part stays exact:
 * - Counts and breakdowns are sums: the batch's own counts are added (upserts, row-locked).
 * - A link-day's unique visitors grow by the batch's visitors who had no earlier counted click on
 *   that link that day. Batches of one link are serialised by its row lock (storeClicks takes it
 *   first), so the probe sees every batch of the link committed before it.
 * - A user-day's sketch and exact id set are unions: the batch's registers and ids are merged
 *   under the user-day row's lock (taken before any other aggregate row, so no deadlock).
 * - A recompute of the user-day (rollupUserDay) holds the user-day's advisory lock exclusively;
 *   a batch holds it shared, so neither runs over the other and no increment is overwritten.
 */

/** The fields of a stored click that the aggregates are made of (db/click-store.ts ClickRow; structural, so the stores need not import each other). */
export interface RollupClick {
  event_id: string;
  link_id: number;
  user_id: number;
  clicked_at: Date;
  is_bot: boolean;
  hashed_ip: string;
  country_code: string | null;
  device_type: string | null;
  browser_family: string | null;
  os_family: string | null;
  referrer_domain: string | null;
}

// The grouping sets of the recompute (rollup-store.ts): a missing value is the key ''.
const DIMENSIONS: Array<[string, (click: RollupClick) => string]> = [
  ['country', (c) => c.country_code ?? ''],
  ['device', (c) => c.device_type ?? ''],
  ['browser', (c) => c.browser_family ?? ''],
  ['os', (c) => c.os_family ?? ''],
  ['referrer', (c) => c.referrer_domain ?? ''],
  ['hour', (c) => String(c.clicked_at.getUTCHours())],
];

interface DayTotals {
  userId: number;
  day: string;
  clicks: number;
  visitors: Set<string>;
  /** Per dimension (in DIMENSIONS' order): key → clicks. */
  breakdowns: Array<Map<string, number>>;
}

interface LinkDayTotals extends DayTotals {
  linkId: number;
}

/** Visitors (link, day, hashed ip) with no counted click stored before their batch: findNewVisitors. */
export type NewVisitors = ReadonlySet<string>;

const visitorKey = (linkId: number, day: string, ip: string) => `${linkId}/${day}/${ip}`;

/** A click's UTC day; a batch spans a day or two, each formatted once (`days` remembers them). */
function dayOf(at: Date, days: Map<number, string>): string {
  const dayNumber = Math.floor(at.getTime() / DAY_MS);
  let day = days.get(dayNumber);
  if (day === undefined) days.set(dayNumber, (day = utcDay(at)));
  return day;
}

const emptyBreakdowns = () => DIMENSIONS.map(() => new Map<string, number>());

function add(breakdowns: Array<Map<string, number>>, dimension: number, key: string, clicks: number): void {
  const counts = breakdowns[dimension] as Map<string, number>;
  counts.set(key, (counts.get(key) ?? 0) + clicks);
}

/** A user-day's totals are the sum of its link-days'. */
function userDaysOf(linkDays: Iterable<LinkDayTotals>): DayTotals[] {
  const userDays = new Map<string, DayTotals>();
  for (const l of linkDays) {
    const key = `${l.userId}/${l.day}`;
    let u = userDays.get(key);
    if (!u) userDays.set(key, (u = { userId: l.userId, day: l.day, clicks: 0, visitors: new Set(), breakdowns: emptyBreakdowns() }));
    u.clicks += l.clicks;
    for (const ip of l.visitors) u.visitors.add(ip);
    l.breakdowns.forEach((counts, dimension) => counts.forEach((clicks, key) => add(u.breakdowns, dimension, key, clicks)));
  }
  return [...userDays.values()];
}

function breakdownRows<T extends DayTotals>(totals: T[]): Array<{ of: T; dimension: string; key: string; clicks: number }> {
  return totals.flatMap((of) => of.breakdowns.flatMap((counts, dimension) => [...counts].map(([key, clicks]) => ({ of, dimension: DIMENSIONS[dimension]?.[0] as string, key, clicks }))));
}

/**
 * The (link, day, visitor)s of a batch with no counted click stored yet, asked before the batch
 * is inserted (storeClicks, under the batch's link locks): every click it finds is another
 * batch's, so it needs no list of the batch's own rows to skip, and a returning visitor is
 * answered by the first entry the lookup reads. Asked after the insert, each lookup first walked
 * past the visitor's clicks in the batch itself (a thousand heap reads for a busy visitor) and
 * sent every event id of the batch to tell them apart: 2.9 µs of PostgreSQL per click in the
 * cost bench (BENCHMARKS.md). A redelivered click's visitor is found (its earlier delivery is
 * stored), and that delivery counted it.
 */
export async function findNewVisitors(trx: Knex.Transaction, batch: readonly RollupClick[]): Promise<NewVisitors> {
  const probes = new Map<string, { linkId: number; userId: number; day: string; ip: string }>();
  const days = new Map<number, string>();
  for (const click of batch) {
    if (click.is_bot) continue;
    const day = dayOf(click.clicked_at, days);
    const key = visitorKey(click.link_id, day, click.hashed_ip);
    if (!probes.has(key)) probes.set(key, { linkId: click.link_id, userId: click.user_id, day, ip: click.hashed_ip });
  }
  if (probes.size === 0) return new Set();
  const list = [...probes.values()];
  // An index lookup per visitor, estimated as thousands of them: the estimate alone would have
  // PostgreSQL JIT-compile it, which costs more than running it. And a lookup that stops at the
  // first click it finds: a bitmap scan (chosen on stale statistics) reads every click of the
  // visitor first, 11 ms for a visitor with 300,000. Both settings last to the end of the
  // transaction, whose other statements are lookups by key.
  await trx.raw(`SELECT set_config('jit', 'off', true), set_config('enable_bitmapscan', 'off', true)`);
  // One lookup each in the visitor index (user, visitor key, time) of each partition, whatever
  // the statistics say. A scalar subquery, so the planner cannot join the whole batch against
  // every click of the day instead; the link and the day are filters only (link_id + 0, the day
  // as a date), so neither the link index nor the user index (user, time) can look as cheap, as
  // they did while a partition had no statistics yet.
  const fresh = await trx.raw<{ rows: Array<{ i: string | number }> }>(
    `SELECT v.i
     FROM unnest(?::bigint[], ?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY AS v(link_id, user_id, day, ip, i)
     WHERE (
       SELECT 1 FROM clicks c
       WHERE c.user_id = v.user_id AND visitor_key(c.hashed_ip) = visitor_key(v.ip) AND c.hashed_ip = v.ip
         AND c.link_id + 0 = v.link_id AND NOT c.is_bot
         AND (c.clicked_at AT TIME ZONE 'UTC')::date = v.day::date
       LIMIT 1) IS NULL`,
    [list.map((p) => p.linkId), list.map((p) => p.userId), list.map((p) => p.day), list.map((p) => p.ip)],
  );
  return new Set(
    fresh.rows.map((r) => {
      const p = list[Number(r.i) - 1] as (typeof list)[number];
      return visitorKey(p.linkId, p.day, p.ip);
    }),
  );
}

/**
 * Adds what the batch's inserted clicks move to the daily aggregates. `fresh` is
 * findNewVisitors' answer for the batch, asked before it was inserted.
 */
export async function addToRollups(trx: Knex.Transaction, inserted: ReadonlyArray<{ event_id: string; is_bot: boolean }>, batch: readonly RollupClick[], fresh: NewVisitors): Promise<void> {
  const stored = new Set(inserted.filter((c) => !c.is_bot).map((c) => c.event_id));
  if (stored.size === 0) return;
  const linkDays = new Map<string, LinkDayTotals>();
  const days = new Map<number, string>();
  for (const click of batch) {
    if (!stored.delete(click.event_id)) continue; // not inserted (a redelivery), a bot, or a repeat in the batch
    const day = dayOf(click.clicked_at, days);
    const key = `${click.link_id}/${day}`;
    let totals = linkDays.get(key);
    if (!totals) linkDays.set(key, (totals = { linkId: click.link_id, userId: click.user_id, day, clicks: 0, visitors: new Set(), breakdowns: emptyBreakdowns() }));
    totals.clicks++;
    totals.visitors.add(click.hashed_ip);
    DIMENSIONS.forEach(([, keyOf], dimension) => add((totals as LinkDayTotals).breakdowns, dimension, keyOf(click), 1));
  }
  // One order for every lock a batch takes: user, then day (then link, dimension, key).
  const users = userDaysOf(linkDays.values()).sort((a, b) => a.userId - b.userId || a.day.localeCompare(b.day));
  const links = [...linkDays.values()].sort((a, b) => a.linkId - b.linkId || a.day.localeCompare(b.day));

  await trx.raw(
    `SELECT pg_advisory_xact_lock_shared(${userDayLockKey('v.user_id::text', 'v.day')})
     FROM unnest(?::bigint[], ?::text[]) AS v(user_id, day)`,
    [users.map((u) => u.userId), users.map((u) => u.day)],
  );
  await trx.raw(
    `INSERT INTO user_daily_stats (user_id, day, clicks, visitors, visitor_ids)
     SELECT v.user_id, v.day, 0, ?::bytea, ''::bytea FROM unnest(?::bigint[], ?::date[]) AS v(user_id, day)
     ON CONFLICT (user_id, day) DO NOTHING`,
    [emptySketch(), users.map((u) => u.userId), users.map((u) => u.day)],
  );
  const current = await trx.raw<{ rows: Array<{ user_id: string | number; day: string; visitors: Buffer; visitor_ids: Buffer | null }> }>(
    `SELECT s.user_id, to_char(s.day, 'YYYY-MM-DD') AS day, s.visitors, s.visitor_ids
     FROM user_daily_stats s JOIN unnest(?::bigint[], ?::date[]) AS v(user_id, day) ON s.user_id = v.user_id AND s.day = v.day
     ORDER BY s.user_id, s.day FOR UPDATE OF s`,
    [users.map((u) => u.userId), users.map((u) => u.day)],
  );

  const newVisitors = links.map((l) => {
    let n = 0;
    for (const ip of l.visitors) if (fresh.has(visitorKey(l.linkId, l.day, ip))) n++;
    return n;
  });

  await trx.raw(
    `INSERT INTO link_daily_stats (link_id, day, user_id, clicks, unique_visitors)
     SELECT * FROM unnest(?::bigint[], ?::date[], ?::bigint[], ?::int[], ?::int[])
     ON CONFLICT (link_id, day) DO UPDATE SET clicks = link_daily_stats.clicks + EXCLUDED.clicks,
       unique_visitors = link_daily_stats.unique_visitors + EXCLUDED.unique_visitors`,
    [links.map((l) => l.linkId), links.map((l) => l.day), links.map((l) => l.userId), links.map((l) => l.clicks), newVisitors],
  );
  const linkBreakdowns = breakdownRows(links);
  await trx.raw(
    `INSERT INTO link_daily_breakdowns (link_id, day, user_id, dimension, key, clicks)
     SELECT * FROM unnest(?::bigint[], ?::date[], ?::bigint[], ?::text[], ?::text[], ?::int[])
     ON CONFLICT (link_id, day, dimension, key) DO UPDATE SET clicks = link_daily_breakdowns.clicks + EXCLUDED.clicks`,
    [linkBreakdowns.map((r) => r.of.linkId), linkBreakdowns.map((r) => r.of.day), linkBreakdowns.map((r) => r.of.userId), linkBreakdowns.map((r) => r.dimension), linkBreakdowns.map((r) => r.key), linkBreakdowns.map((r) => r.clicks)],
  );
  const userBreakdowns = breakdownRows(users);
  await trx.raw(
    `INSERT INTO user_daily_breakdowns (user_id, day, dimension, key, clicks)
     SELECT * FROM unnest(?::bigint[], ?::date[], ?::text[], ?::text[], ?::bigint[])
     ON CONFLICT (user_id, day, dimension, key) DO UPDATE SET clicks = user_daily_breakdowns.clicks + EXCLUDED.clicks`,
    [userBreakdowns.map((r) => r.of.userId), userBreakdowns.map((r) => r.of.day), userBreakdowns.map((r) => r.dimension), userBreakdowns.map((r) => r.key), userBreakdowns.map((r) => r.clicks)],
  );

  // The sketch is written only when a register rose, the id set only when it gained an id or
  // passed the exact limit (most batches of a busy day do neither).
  const rows = new Map(current.rows.map((r) => [`${Number(r.user_id)}/${r.day}`, r]));
  const updates = users.map((u) => {
    const row = rows.get(`${u.userId}/${u.day}`);
    const before = row?.visitors ?? emptySketch();
    const sketch = addRegisters(Buffer.from(before), [...u.visitors].flatMap((ip) => visitorRegister(ip) ?? []));
    const idsBefore = row?.visitor_ids ?? null;
    const ids = idsBefore ? addIds(idsBefore, [...u.visitors].flatMap((ip) => visitorId(ip) ?? [])) : null;
    return { u, sketch: sketch.equals(before) ? null : sketch, ids, keepIds: idsBefore === null || ids?.length === idsBefore.length };
  });
  await trx.raw(
    `UPDATE user_daily_stats s SET clicks = s.clicks + v.n, visitors = COALESCE(v.visitors, s.visitors),
       visitor_ids = CASE WHEN v.keep_ids THEN s.visitor_ids ELSE v.ids END
     FROM unnest(?::bigint[], ?::date[], ?::bigint[], ?::bytea[], ?::bytea[], ?::boolean[]) AS v(user_id, day, n, visitors, ids, keep_ids)
     WHERE s.user_id = v.user_id AND s.day = v.day`,
    [updates.map((x) => x.u.userId), updates.map((x) => x.u.day), updates.map((x) => x.u.clicks), updates.map((x) => x.sketch), updates.map((x) => x.ids), updates.map((x) => x.keepIds)] as unknown as Knex.RawBinding[],
  );
}
