import type { Db } from './knex';

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
}

export const RECENT_CLICKS = 10;

/**
 * The `analytics` block of GET /api/v1/links/:id, read from raw clicks. Bots are stored but
 * never counted, here as everywhere. Kept behind this one function so totals can move to the
 * daily rollups without the API changing.
 */
export async function linkAnalytics(db: Db, linkId: number): Promise<LinkAnalytics> {
  const [counted, recent] = await Promise.all([
    db('clicks').where({ link_id: linkId, is_bot: false }).count<Array<{ n: string | number }>>({ n: '*' }),
    db('clicks')
      .where({ link_id: linkId, is_bot: false })
      .orderBy([{ column: 'clicked_at', order: 'desc' }, { column: 'id', order: 'desc' }])
      .limit(RECENT_CLICKS)
      .select('clicked_at', 'hashed_ip', 'hashed_user_agent', 'referrer_domain', 'country_code', 'device_type', 'browser_family', 'os_family'),
  ]);
  return { total_clicks: Number(counted[0]?.n ?? 0), recent_clicks: recent as RecentClick[] };
}
