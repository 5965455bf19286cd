import { utcDay } from '../lib/days';
import type { Db } from './knex';
import type { ClickTrigger } from '../lib/click-trigger';

export interface RecentClick {
  clicked_at: Date;
  hashed_ip: string;
  hashed_user_agent: string;
  referrer_domain: string | null;
  country_code: string | null;
  device_type: string | null;
  browser_family: string | null;
  os_family: string | null;
}

export interface LinkAnalytics {
  total_clicks: number;
  recent_clicks: RecentClick[];
  /** Counted clicks by what brought them: QR scans and ordinary clicks, both always present. */
  trigger_breakdown: Record<ClickTrigger, number>;
  /** Counted clicks per targeting rule that sent them (rule_id null: no rule matched). */
  rule_breakdown: Array<{ rule_id: number | null; clicks: number }>;
}

export const RECENT_CLICKS = 10;

/**
 * The `analytics` block of GET /api/v1/links/:id, read from raw clicks. Bots are stored but
 * never counted, here as everywhere. Kept behind this one function so totals can move to the
 * daily rollups without the API changing.
 */
export async function linkAnalytics(db: Db, linkId: number): Promise<LinkAnalytics> {
  const [counted, recent] = await Promise.all([
    db('clicks').where({ link_id: linkId, is_bot: false }).groupBy('trigger', 'rule_id').select<Array<{ trigger: ClickTrigger; rule_id: string | number | null; n: string | number }>>('trigger', 'rule_id', db.raw('count(*) AS n')),
    db('clicks')
      .where({ link_id: linkId, is_bot: false })
      .orderBy([{ column: 'clicked_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(RECENT_CLICKS)
      .select('clicked_at', 'hashed_ip', 'hashed_user_agent', 'referrer_domain', 'country_code', 'device_type', 'browser_family', 'os_family'),
  ]);
  const trigger_breakdown: Record<ClickTrigger, number> = { qr: 0, link: 0 };
  const perRule = new Map<number | null, number>();
  for (const row of counted) {
    trigger_breakdown[row.trigger] += Number(row.n);
    const rule = row.rule_id === null ? null : Number(row.rule_id);
    perRule.set(rule, (perRule.get(rule) ?? 0) + Number(row.n));
  }
  const rule_breakdown = [...perRule].map(([rule_id, clicks]) => ({ rule_id, clicks })).sort((a, b) => (a.rule_id ?? -1) - (b.rule_id ?? -1));
  return { total_clicks: trigger_breakdown.qr + trigger_breakdown.link, recent_clicks: recent as RecentClick[], trigger_breakdown, rule_breakdown };
}

/**
 * One link's counted clicks (its daily rollup) and bot clicks (raw clicks, which the rollups
 * leave out; the bots-only partial index serves it) in a window of whole UTC days.
 */
export async function linkWindowTotals(db: Db, linkId: number, window: { start: Date; end: Date }): Promise<{ clicks: number; bots: number }> {
  const [counted, bots] = await Promise.all([
    db.raw<{ rows: Array<{ n: number | null }> }>('SELECT sum(clicks)::int AS n FROM link_daily_stats WHERE link_id = ? AND day >= ?::date AND day < ?::date', [linkId, utcDay(window.start), utcDay(window.end)]),
    db.raw<{ rows: Array<{ n: number }> }>('SELECT count(*)::int AS n FROM clicks WHERE link_id = ? AND clicked_at >= ? AND clicked_at < ? AND is_bot', [linkId, window.start.toISOString(), window.end.toISOString()]),
  ]);
  return { clicks: counted.rows[0]?.n ?? 0, bots: bots.rows[0]?.n ?? 0 };
}
