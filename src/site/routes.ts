import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOOKUP_SLUG } from '../db/package-stats-store';
import { OutageLog } from '../lib/outage-log';
import { TtlCache } from '../lib/ttl-cache';
import { pathOf } from '../lib/url-path';
import type { Services } from '../services';
import { sendPage } from './layout';
import { loadPackagePage, notFoundPage } from './package-page';

/**
 * The pages for people, mounted on the public edge (proxy/edge.ts: `site`). Each rendered page
 * is cached in process for a minute (unknown and private slugs too, as "none"), so a popular page
 * costs one render per web process per minute and is answered synchronously in between.
 */

const PKG_PATH = /^\/pkg\/([^/]+)$/;

interface CachedPage {
  body: Buffer;
  etag: string;
}

export interface Site {
  owns(path: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export function createSite(services: Pick<Services, 'db' | 'logger' | 'config'>, ttlMs = 60_000): Site {
  const base = () => services.config.publicBaseUrl;
  const pages = new TtlCache<CachedPage | null>(async (slug) => {
    const page = await loadPackagePage(services.db, base(), slug);
    if (page === null) return null;
    const body = Buffer.from(page);
    return { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
  }, ttlMs, 5_000, Date.now, new OutageLog(services.logger, 'package pages', { category: 'site' }));
  let notFound: Buffer | undefined;

  function answer(req: IncomingMessage, res: ServerResponse, page: CachedPage | null): void {
    if (!page) {
      notFound ??= Buffer.from(notFoundPage(base()));
      sendPage(res, req.method, 404, notFound, { 'Cache-Control': 'public, max-age=60' });
      return;
    }
    const headers = { 'Cache-Control': 'public, max-age=60', ETag: page.etag };
    if (req.headers['if-none-match'] === page.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    sendPage(res, req.method, 200, page.body, headers);
  }

  return {
    owns: (path) => path.startsWith('/pkg/'),
    handle(req, res) {
      const raw = PKG_PATH.exec(pathOf(req.url ?? '/'))?.[1];
      let slug: string | undefined;
      try {
        slug = raw === undefined ? undefined : decodeURIComponent(raw);
      } catch {
        slug = undefined;
      }
      if (slug === undefined || !LOOKUP_SLUG.test(slug)) return answer(req, res, null);
      const cached = pages.peek(slug);
      if (cached !== undefined) return answer(req, res, cached);
      return pages.get(slug).then(
        (page) => answer(req, res, page),
        () => sendPage(res, req.method, 503, '<!doctype html><title>Unavailable</title><p>This page is unavailable just now; please try again in a moment.</p>', { 'Cache-Control': 'no-store', 'Retry-After': '5' }),
      );
    },
  };
}
