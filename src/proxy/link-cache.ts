import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { OutageLog } from '../lib/outage-log';
import { findLinkByCode, type LinkRow } from '../db/link-store';
import { findActiveVariants, type VariantRow } from '../db/variant-store';
import { TtlCache } from '../lib/ttl-cache';
import type { CachedVariant } from './variant-choice';
import type { CachedPreview } from './link-preview';
import { compileRules, type CachedRules } from './targeting';
import { listLinkRules, type LinkRuleRow } from '../db/link-rule-store';

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
  /** Open Graph / Twitter card fields for link-preview crawlers; absent when the owner set none. */
  preview?: CachedPreview;
  /** Targeting rules compiled for the edge (targeting.ts); absent when the link has none. */
  rules?: CachedRules;
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

export function toCachedLink(row: LinkRow, variantRows: readonly VariantRow[] = [], rules: readonly LinkRuleRow[] = []): CachedLink {
  const variants = variantRows.map((v): CachedVariant => ({ id: v.id, destination: mergeUtm(v.destination_url, row.utm_params), weight: v.weight }));
  const compiled = compileRules(rules, (url) => mergeUtm(url, row.utm_params), variants);
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
    variants,
    appendClickId: row.append_click_id === true,
    ...previewOf(row),
    ...(compiled ? { rules: compiled } : {}),
  };
}

function previewOf(row: LinkRow): { preview?: CachedPreview } {
  const { preview_title: title, preview_description: description, preview_image_url: imageUrl } = row;
  if (title == null && description == null && imageUrl == null) return {};
  return { preview: { title: title ?? row.title, description: description ?? null, imageUrl: imageUrl ?? null } };
}

/**
 * In-process cache of short code (or `<domain id>/<code>`) → link, unknown codes included (so a flood of bad codes
 * does not reach PostgreSQL). Changes are announced over Redis pub/sub and dropped at once
 * (link-invalidation.ts calls invalidate and clear); entries also live only `ttlMs`, which bounds
 * staleness when those announcements cannot arrive. Shared misses and stale-on-error: TtlCache.
 * The redirector answers a hit from the synchronous `peek`.
 */
export class LinkCache extends TtlCache<CachedLink | null> {
  constructor(load: (code: string) => Promise<CachedLink | null>, ttlMs = 1000, maxEntries = 100_000, outage?: OutageLog) {
    super(load, ttlMs, maxEntries, Date.now, outage);
  }

  /** Failed lookups are logged by the cache, once per outage (the redirector answers 503 without a line per request). */
  static forDatabase(db: Db, logger: Logger, ttlMs?: number): LinkCache {
    return new LinkCache(
      async (key) => {
        // `<domain id>/<code>` for a custom domain's link, the bare code otherwise (lib/hostnames.ts).
        const slash = key.indexOf('/');
        const row = slash === -1 ? await findLinkByCode(db, key) : await findLinkByCode(db, key.slice(slash + 1), Number(key.slice(0, slash)));
        if (!row) return null;
        const [variants, rules] = await Promise.all([findActiveVariants(db, row.id), listLinkRules(db, row.id)]);
        return toCachedLink(row, variants, rules);
      },
      ttlMs,
      undefined,
      new OutageLog(logger, 'link lookups', { category: 'redirect' }),
    );
  }
}
