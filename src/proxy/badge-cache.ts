import type { Db } from '../db/knex';
import { findBadgePackage, type BadgePackage } from '../db/package-stats-store';

interface Entry {
  pkg: BadgePackage | null;
  freshUntil: number;
}

/**
 * In-process cache of slug → what its badge shows (unknown slugs included, so a flood of bad
 * slugs does not reach PostgreSQL). A popular badge costs one query per web process per TTL;
 * concurrent misses for one slug share that query; when the database cannot be reached a stale
 * entry keeps serving.
 */
export class BadgeCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<BadgePackage | null>>();

  constructor(
    private readonly load: (slug: string) => Promise<BadgePackage | null>,
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 50_000,
    private readonly now: () => number = Date.now,
  ) {}

  static forDatabase(db: Db, ttlMs?: number): BadgeCache {
    return new BadgeCache(async (slug) => (await findBadgePackage(db, slug)) ?? null, ttlMs);
  }

  get(slug: string): Promise<BadgePackage | null> {
    const entry = this.entries.get(slug);
    if (entry && entry.freshUntil > this.now()) return Promise.resolve(entry.pkg);
    const inFlight = this.loading.get(slug);
    if (inFlight) return inFlight;
    const promise = this.load(slug)
      .then((pkg) => {
        this.store(slug, pkg);
        return pkg;
      })
      .catch((err: unknown) => {
        const stale = this.entries.get(slug);
        if (stale) return stale.pkg;
        throw err;
      })
      .finally(() => this.loading.delete(slug));
    this.loading.set(slug, promise);
    return promise;
  }

  private store(slug: string, pkg: BadgePackage | null): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(slug)) {
      // Evict the oldest insertion: Map iterates in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(slug);
    this.entries.set(slug, { pkg, freshUntil: this.now() + this.ttlMs });
  }
}
