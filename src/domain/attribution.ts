import type { Db } from '../db/knex';
import { findLatestVisitorClick, findOwnerClick, type AttributableClick } from '../db/conversion-store';
import { hashIp, hashUserAgent } from '../lib/visitor-hash';
import { DAY_MS } from '../lib/days';

export interface AttributionInput {
  /** The click id the postback names (from lt_click), if any. */
  clickId?: number;
  /** The visitor's address: the postback's `ip`, or the request's own address. */
  ip: string;
  /** The visitor's user agent, if the postback sent one. */
  userAgent?: string;
}

export interface AttributionOwner {
  id: number;
  attribution_window_days: number;
}

/**
 * Which click a conversion came from, in order of confidence:
 * 1. the click the postback names, if it was on one of the owner's links (explicit
 *    attribution: honoured whatever its age, as the merchant vouches for it);
 * 2. otherwise the visitor's latest human click on the owner's links inside the owner's
 *    attribution window, matched by keyed hashes of IP and user agent (IP alone when the
 *    postback sent no user agent);
 * 3. otherwise none: the conversion is recorded unattributed.
 * The raw IP and user agent are only hashed here, never stored or logged.
 */
export async function attributeConversion(db: Db, appSecret: string, owner: AttributionOwner, input: AttributionInput): Promise<AttributableClick | undefined> {
  if (input.clickId !== undefined) {
    const named = await findOwnerClick(db, owner.id, input.clickId);
    if (named) return named;
  }
  if (!input.ip) return undefined;
  const hashedUa = input.userAgent ? hashUserAgent(appSecret, input.userAgent) : null;
  return findLatestVisitorClick(db, owner.id, hashIp(appSecret, input.ip), hashedUa, owner.attribution_window_days);
}

function amount(value: number, unit: string): string {
  const rounded = Math.round(value * 10) / 10;
  const text = Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(1);
  return `${text} ${unit}${rounded === 1 ? '' : 's'}`;
}

/**
 * Click-to-conversion time as people say it: "45 seconds", "45 minutes", "2.5 hours",
 * "3 days". Minutes and seconds are whole; hours and days keep one decimal. Each unit hands
 * over to the next once it would read 60 (or 24), so "60 minutes" reads "1 hour".
 */
export function formatTimeToConvert(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return amount(seconds, 'second');
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return amount(minutes, 'minute');
  const hours = ms / 3_600_000;
  if (Math.round(hours * 10) / 10 < 24) return amount(hours, 'hour');
  return amount(ms / DAY_MS, 'day');
}
