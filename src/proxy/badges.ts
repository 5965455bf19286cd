import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOOKUP_SLUG } from '../db/package-stats-store';
import type { Logger } from '../logger';
import type { BadgeCache } from './badge-cache';
import { BADGE_COLORS, BADGE_STYLES, DEFAULT_BADGE_STYLE, installsText, isBadgeStyle, renderBadge, type Badge } from './badge-svg';
import { pathOf, queryOf } from '../lib/url-path';

export interface BadgeDeps {
  cache: BadgeCache;
  logger: Logger;
}

const BADGE_PATH = /^\/badge\/([^/]+)\.svg$/;

/** The slug of /badge/{slug}.svg, percent-decoded; undefined for any other path. */
export function badgeSlug(path: string): string | undefined {
  const raw = BADGE_PATH.exec(path)?.[1];
  if (raw === undefined) return undefined;
  try {
    const slug = decodeURIComponent(raw);
    return LOOKUP_SLUG.test(slug) ? slug : undefined;
  } catch {
    return undefined; // malformed percent-encoding
  }
}

// Counts may be an hour old in browsers and CDNs (the seed's promise); a private package's
// badge is kept out of shared caches; answers that may soon change are cached briefly.
const CACHE_PUBLIC = 'public, max-age=3600';
const CACHE_PRIVATE = 'private, max-age=3600';
const CACHE_ERROR = 'public, max-age=300';

function send(req: IncomingMessage, res: ServerResponse, status: number, badge: Badge, cacheControl: string): void {
  const svg = renderBadge(badge);
  const etag = `"${createHash('sha1').update(svg).digest('base64url').slice(0, 22)}"`;
  const common = { 'Cache-Control': cacheControl, ETag: etag };
  if (status === 200 && req.headers['if-none-match'] === etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(status, {
    ...common,
    'Content-Type': 'image/svg+xml',
    'Content-Length': Buffer.byteLength(svg),
    'X-Content-Type-Options': 'nosniff',
    // Served from the app's own origin: an SVG opened directly may run nothing.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(req.method === 'HEAD' ? undefined : svg);
}

/**
 * GET /badge/{slug}.svg?style=pkglnk|upm|upm-installs|installs — public install-count badge,
 * outside Express. Every answer is an SVG, errors included, so a README never shows a broken
 * image: unknown style → 400 "unknown style", unknown slug → 404 "not found", database
 * unreachable with nothing cached → 503 "unavailable".
 */
export function createBadgeHandler(deps: BadgeDeps) {
  return function badge(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/';
    const path = pathOf(url);
    const requested = new URLSearchParams(queryOf(url)).get('style')?.toLowerCase() || DEFAULT_BADGE_STYLE;
    if (!isBadgeStyle(requested)) {
      send(req, res, 400, { label: BADGE_STYLES[DEFAULT_BADGE_STYLE].label, value: 'unknown style', color: BADGE_COLORS.error }, CACHE_ERROR);
      return;
    }
    const label = BADGE_STYLES[requested].label;
    const slug = badgeSlug(path);
    if (!slug) {
      send(req, res, 404, { label, value: 'not found', color: BADGE_COLORS.error }, CACHE_ERROR);
      return;
    }
    return deps.cache.get(slug).then(
      (pkg) => {
        if (!pkg) send(req, res, 404, { label, value: 'not found', color: BADGE_COLORS.error }, CACHE_ERROR);
        else if (pkg.isPrivate) send(req, res, 200, { label, value: 'private', color: BADGE_COLORS.private }, CACHE_PRIVATE);
        else send(req, res, 200, { label, value: installsText(requested, pkg.installs), color: BADGE_COLORS.count }, CACHE_PUBLIC);
      },
      // Logged by the cache, once per outage rather than once per request.
      () => {
        send(req, res, 503, { label, value: 'unavailable', color: BADGE_COLORS.private }, 'no-store');
      },
    );
  };
}
