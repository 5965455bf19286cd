import type { Db } from '../db/knex';
import { findLinkByCode, type LinkRow } from '../db/link-store';
import { findActiveVariants, type VariantRow } from '../db/variant-store';
import type { CachedVariant } from './variant-choice';

/** What the redirector needs of a link, with the UTM-merged destination computed once. */
export interface CachedLink {
  id: number;
  userId: number;
  destination: string;
  active: boolean;
  archived: boolean;
  passwordHash: string | null;
  startsAt: number | null;
  endsAt: number | null;
  expires: boolean;
  expiresAt: number | null;
  /** Active A/B variants, UTM-merged (variant-choice.ts); none means the destination above. */
  variants?: CachedVariant[];
  /** Append the edge-minted click id to the destination as lt_click (conversion attribution). */
  appendClickId?: boolean;
}

/** UTM parameters join the destination's query; a parameter the destination already has is kept as the owner wrote it. */
export function mergeUtm(destination: string, utm: Record<string, string>): string {
  const keys = Object.keys(utm);
  if (keys.length === 0) return destination;
  const url = new URL(destination);
  for (const key of keys) {
    if (!url.searchParams.has(key)) url.searchParams.append(key, utm[key] as string);
  }
  return url.toString();
}

export function toCachedLink(row: LinkRow, variants: readonly VariantRow[] = []): CachedLink {
  return {
    id: row.id,
    userId: row.user_id,
    destination: mergeUtm(row.destination_url, row.utm_params),
    active: row.active,
    archived: row.archived,
    passwordHash: row.password_hash,
    startsAt: row.scheduled_start_at?.getTime() ?? null,
    endsAt: row.scheduled_end_at?.getTime() ?? null,
    expires: row.expires,
    expiresAt: row.expires_at?.getTime() ?? null,
    variants: variants.map((v) => ({ id: v.id, destination: mergeUtm(v.destination_url, row.utm_params), weight: v.weight })),
    appendClickId: row.append_click_id === true,
  };
}

interface Entry {
  link: CachedLink | null;
  freshUntil: number;
}

/**
 * In-process cache of short code → link, unknown codes included (so a flood of bad codes
 * does not reach PostgreSQL). Changes are announced over Redis pub/sub and dropped at once
 * (link-invalidation.ts); entries also live only `ttlMs`, which bounds staleness when those
 * announcements cannot arrive. Concurrent misses for one code share a single query; when the
 * database cannot be reached a stale entry keeps serving.
 */
export class LinkCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<CachedLink | null>>();
  /** Moves on every invalidation, so a lookup that straddles one is not cached. */
  private generation = 0;

  constructor(
    private readonly load: (code: string) => Promise<CachedLink | null>,
    private readonly ttlMs = 1000,
    private readonly maxEntries = 100_000,
  ) {}

  static forDatabase(db: Db, ttlMs?: number): LinkCache {
    return new LinkCache(async (code) => {
      const row = await findLinkByCode(db, code);
      return row ? toCachedLink(row, await findActiveVariants(db, row.id)) : null;
    }, ttlMs);
  }

  /** The cached answer if it is still fresh: lets the hot path stay synchronous. */
  peek(code: string, now = Date.now()): CachedLink | null | undefined {
    const entry = this.entries.get(code);
    return entry && entry.freshUntil > now ? entry.link : undefined;
  }

  get(code: string): Promise<CachedLink | null> {
    const inFlight = this.loading.get(code);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const promise: Promise<CachedLink | null> = this.load(code)
      .then((link) => {
        // A load that started before an invalidation may have read the old row: answer with
        // it (the request came first) but do not cache it.
        if (generation === this.generation) this.store(code, link);
        return link;
      })
      .catch((err: unknown) => {
        const stale = this.entries.get(code);
        if (stale) return stale.link;
        throw err;
      })
      .finally(() => {
        if (this.loading.get(code) === promise) this.loading.delete(code);
      });
    this.loading.set(code, promise);
    return promise;
  }

  /** Forgets one code at once (a change was announced), including a lookup already under way. */
  invalidate(code: string): void {
    this.generation++;
    this.entries.delete(code);
    this.loading.delete(code);
  }

  /** Forgets everything (announcements may have been missed). */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  private store(code: string, link: CachedLink | null): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(code)) {
      // Evict the oldest insertion: Map iterates in insertion order.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.delete(code);
    this.entries.set(code, { link, freshUntil: Date.now() + this.ttlMs });
  }
}
