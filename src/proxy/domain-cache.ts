import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { findDomainByHost } from '../db/domain-store';
import { OutageLog } from '../lib/outage-log';
import { domainCacheKey } from '../lib/hostnames';
import type { InvalidatedCache } from '../queues/link-invalidation';
import { TtlCache } from '../lib/ttl-cache';

/** What the redirector needs of a custom domain. */
export interface CachedDomain {
  id: number;
  /** Verified: only an active domain serves its links and redirects. */
  active: boolean;
  rootRedirect: string | null;
  notFoundRedirect: string | null;
}

/**
 * Host → custom domain, unknown hosts included (cached as null), on the same TtlCache as links:
 * a click on a domain costs a synchronous peek, and a change reaches every web process over the
 * links' invalidation channel as `@<hostname>` (lib/hostnames.ts).
 */
export class DomainCache extends TtlCache<CachedDomain | null> {
  static forDatabase(db: Db, logger: Logger, ttlMs = 1000): DomainCache {
    return new DomainCache(
      async (hostname) => {
        const row = await findDomainByHost(db, hostname);
        if (!row) return null;
        return { id: Number(row.id), active: row.status === 'active', rootRedirect: row.root_redirect_url, notFoundRedirect: row.not_found_redirect_url };
      },
      ttlMs,
      10_000,
      Date.now,
      new OutageLog(logger, 'domain lookups', { category: 'redirect' }),
    );
  }
}

/** One subscriber, two caches: `@host` keys are domains, the rest links. */
export function routedInvalidation(links: InvalidatedCache, domains: InvalidatedCache): InvalidatedCache {
  const prefix = domainCacheKey('');
  return {
    invalidate(key) {
      if (key.startsWith(prefix)) domains.invalidate(key.slice(prefix.length));
      else links.invalidate(key);
    },
    clear() {
      links.clear();
      domains.clear();
    },
  };
}
