import { createHash } from 'node:crypto';
import { Resvg } from '@resvg/resvg-js';
import type { Db } from '../db/knex';
import { findPublicPackage, type PublicPackage } from '../db/public-package-store';
import { OutageLog } from '../lib/outage-log';
import { TtlCache } from '../lib/ttl-cache';
import type { Logger } from '../logger';
import { renderCard, renderMissingCard } from './card-svg';

/**
 * Rendered cards by slug, in process: the SVG (and its ETag) is made once per slug per TTL, the
 * PNG only when first asked for, then kept beside it. A card shows install counts, so a minute
 * of staleness is nothing; unknown and private slugs are cached as null like the badge cache.
 */

export interface CardImage {
  body: Buffer;
  etag: string;
}

export class RenderedCard {
  readonly svg: CardImage;
  private png?: CardImage;

  constructor(svg: string) {
    this.svg = image(Buffer.from(svg));
  }

  /** Rasterised on first use (tens of milliseconds: fonts are loaded per render), then kept. */
  pngImage(): CardImage {
    this.png ??= image(Buffer.from(new Resvg(this.svg.body, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng()));
    return this.png;
  }
}

function image(body: Buffer): CardImage {
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
}

export function cardOf(pkg: PublicPackage): RenderedCard {
  const subtitle = [pkg.package_json_name, pkg.version, pkg.unity_version ? `Unity ${pkg.unity_version}` : null].filter((s): s is string => s !== null).join(' · ');
  return new RenderedCard(renderCard({ title: pkg.display_name, subtitle: subtitle || null, description: pkg.description, topics: pkg.topics, installs: pkg.total_installs, stars: pkg.github_stars }));
}

/** The one card every unknown or private slug gets. */
export const MISSING_CARD = new RenderedCard(renderMissingCard());

export class CardCache extends TtlCache<RenderedCard | null> {
  static forDatabase(db: Db, logger: Logger, ttlMs = 60_000): CardCache {
    return new CardCache(async (slug) => {
      const pkg = await findPublicPackage(db, slug);
      return pkg ? cardOf(pkg) : null;
    }, ttlMs, 20_000, Date.now, new OutageLog(logger, 'card lookups', { category: 'card' }));
  }
}
