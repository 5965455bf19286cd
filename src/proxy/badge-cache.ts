import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { OutageLog } from '../lib/outage-log';
import { findBadgePackage, type BadgePackage } from '../db/package-stats-store';
import { TtlCache } from '../lib/ttl-cache';

/**
 * In-process cache of slug → what its badge shows (unknown slugs included, so a flood of bad
 * slugs does not reach PostgreSQL). A popular badge costs one query per web process per TTL;
 * concurrent misses for one slug share that query; when the database cannot be reached a stale
 * entry keeps serving and failures back off and are logged once (all of which TtlCache does).
 */
export class BadgeCache extends TtlCache<BadgePackage | null> {
  constructor(load: (slug: string) => Promise<BadgePackage | null>, ttlMs = 60_000, maxEntries = 50_000, now: () => number = Date.now, outage?: OutageLog) {
    super(load, ttlMs, maxEntries, now, outage);
  }

  /** Failed lookups are logged by the cache, once per outage. */
  static forDatabase(db: Db, logger: Logger, ttlMs?: number): BadgeCache {
    return new BadgeCache(async (slug) => (await findBadgePackage(db, slug)) ?? null, ttlMs, undefined, Date.now, new OutageLog(logger, 'badge lookups', { category: 'badge' }));
  }
}
