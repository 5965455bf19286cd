import type { Db } from './knex';

/** A stored click a conversion can be attributed to. */
export interface AttributableClick {
  id: number;
  link_id: number;
  variant_id: number | null;
  clicked_at: Date;
}

const CLICK_COLUMNS = ['id', 'link_id', 'variant_id', 'clicked_at'] as const;

/** The click with this id, if it was a click on one of this owner's links (clicks.user_id is the link owner). */
export async function findOwnerClick(db: Db, ownerId: number, clickId: number): Promise<AttributableClick | undefined> {
  return db('clicks').where({ id: clickId, user_id: ownerId }).where('clicked_at', '<=', db.fn.now()).first(...CLICK_COLUMNS);
}

/**
 * The latest human (non-bot) click on the owner's links by this visitor inside the window:
 * the same keyed IP hash and, when a user agent hash is given, the same user agent hash.
 * Served by clicks_visitor_idx (user_id, visitor_key(hashed_ip), clicked_at DESC); the full hash is
 * rechecked.
 */
export async function findLatestVisitorClick(db: Db, ownerId: number, hashedIp: string, hashedUserAgent: string | null, windowDays: number): Promise<AttributableClick | undefined> {
  const query = db('clicks')
    .where({ user_id: ownerId, hashed_ip: hashedIp, is_bot: false })
    .whereRaw('visitor_key(hashed_ip) = visitor_key(?)', [hashedIp])
    .where('clicked_at', '>=', db.raw("now() - make_interval(days => ?)", [windowDays]))
    .where('clicked_at', '<=', db.fn.now())
    .orderBy('clicked_at', 'desc')
    .first(...CLICK_COLUMNS);
  if (hashedUserAgent !== null) query.where({ hashed_user_agent: hashedUserAgent });
  return query;
}

export interface NewConversion {
  goal_id: number;
  user_id: number;
  link_id: number | null;
  variant_id: number | null;
  click_id: number | null;
  clicked_at: Date | null;
  order_id: string | null;
  value: number | null;
  currency: string;
  attributed: boolean;
}

export interface StoredConversion {
  id: number;
  value: number | null;
  converted_at: Date;
}

/**
 * Inserts a conversion, or returns undefined when the goal already has this order_id. The
 * unique index (goal_id, order_id) decides: of any number of simultaneous postbacks with one
 * order id exactly one inserts, with no read-then-write window. Null order ids never conflict.
 */
export async function insertConversion(db: Db, conversion: NewConversion): Promise<StoredConversion | undefined> {
  const [row] = (await db('conversions')
    .insert(conversion)
    .onConflict(['goal_id', 'order_id'])
    .ignore()
    .returning(['id', 'value', 'converted_at'])) as StoredConversion[];
  return row;
}
