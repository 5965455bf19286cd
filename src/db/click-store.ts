import type { Db } from './knex';

export interface ClickRow {
  event_id: string;
  link_id: number;
  user_id: number;
  variant_id: number | null;
  clicked_at: Date;
  hashed_ip: string;
  hashed_user_agent: string;
  referrer_domain: string | null;
  country_code: string | null;
  city: string | null;
  device_type: string | null;
  browser_family: string | null;
  os_family: string | null;
  is_bot: boolean;
}

export interface InsertedClick {
  id: number;
  event_id: string;
  link_id: number;
  clicked_at: Date;
  is_bot: boolean;
}

/**
 * Stores a batch of clicks exactly once and moves the links' counters by what was actually
 * inserted, in one transaction: a redelivered batch inserts nothing and moves nothing.
 * Bots are stored (flagged) but never counted.
 */
export async function storeClicks(db: Db, clicks: ClickRow[]): Promise<InsertedClick[]> {
  if (clicks.length === 0) return [];
  return db.transaction(async (trx) => {
    const inserted = (await trx('clicks')
      .insert(clicks)
      .onConflict(['event_id', 'clicked_at'])
      .ignore()
      .returning(['id', 'event_id', 'link_id', 'clicked_at', 'is_bot'])) as InsertedClick[];

    const perLink = new Map<number, { count: number; last: Date }>();
    for (const click of inserted) {
      if (click.is_bot) continue;
      const entry = perLink.get(click.link_id);
      if (!entry) perLink.set(click.link_id, { count: 1, last: click.clicked_at });
      else {
        entry.count++;
        if (click.clicked_at > entry.last) entry.last = click.clicked_at;
      }
    }
    if (perLink.size > 0) {
      // Rows locked in id order first, so concurrent batches touching the same links cannot deadlock.
      const rows = [...perLink.entries()].sort((a, b) => a[0] - b[0]);
      await trx.raw('SELECT 1 FROM links WHERE id = ANY(?::bigint[]) ORDER BY id FOR UPDATE', [rows.map(([id]) => id)]);
      await trx.raw(
        `UPDATE links SET click_count = links.click_count + v.n,
                last_clicked_at = GREATEST(links.last_clicked_at, v.last)
         FROM unnest(?::bigint[], ?::int[], ?::timestamptz[]) AS v(id, n, last)
         WHERE links.id = v.id`,
        [rows.map(([id]) => id), rows.map(([, e]) => e.count), rows.map(([, e]) => e.last.toISOString())],
      );
    }
    return inserted;
  });
}
