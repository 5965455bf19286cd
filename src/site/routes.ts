import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOOKUP_SLUG } from '../db/package-stats-store';
import { allowanceHeaders, takeAddressAllowance } from '../domain/address-allowance';
import { USERNAME_PATTERN } from '../db/user-store';
import { COLLECTION_SLUG_PATTERN } from '../lib/collection-slugs';
import { clientIp } from '../lib/client-ip';
import { OutageLog } from '../lib/outage-log';
import { TtlCache } from '../lib/ttl-cache';
import { pathOf, queryOf } from '../lib/url-path';
import type { Services } from '../services';
import { loadCollectionPage } from './collection-page';
import { directoryPath, loadDirectoryPage, readDirectoryQuery } from './directory-page';
import { sendPage } from './layout';
import { loadPackagePage } from './package-page';
import { badRequestPage, notFoundPage, tooManyRequestsPage } from './status-pages';
import { loadUserPage } from './user-page';

/**
 * The pages for people, mounted on the public edge (proxy/edge.ts: `site`), which asks `owns`
 * which paths are theirs. Each rendered page is cached in process for a minute (an unknown or
 * private slug too, as "none"), so a popular page costs one render per web process per minute and
 * is answered from memory in between. A directory view is cached by its canonical address, so
 * `?sort=installs&page=1` and the bare /directory share one entry. Every request, cached or not,
 * counts against its address's allowance of page views (PUBLIC_PAGES_PER_MINUTE): past it, a
 * small 429 page with Retry-After.
 */

interface CachedPage {
  body: Buffer;
  etag: string;
}

type PageCache = TtlCache<CachedPage | null>;

/** A page address: the cache it is read from and its key there, a 404, or a 400 with its problems. */
type Target = { cache: PageCache; key: string } | { notFound: true } | { problems: string[] };

const NOT_FOUND = { notFound: true } as const;
const CACHE_CONTROL = 'public, max-age=60';

/** The route templates, by which the edge labels its metrics (never by the raw path). */
export function siteTemplate(path: string): string {
  if (path === '/directory' || path === '/directory/') return '/directory';
  if (path.startsWith('/collections/')) return '/collections/{slug}';
  if (path.startsWith('/u/')) return '/u/{username}';
  return '/pkg/{slug}';
}

export interface Site {
  owns(path: string): boolean;
  template(path: string): string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/**
 * The page a path with a trailing slash means (/directory/, /pkg/x/), which it is sent on to:
 * without this, /directory/ answered the API's JSON 404 and /pkg/x/ the not-found page.
 */
function withoutTrailingSlash(path: string): string | undefined {
  if (!path.endsWith('/')) return undefined;
  const trimmed = path.slice(0, -1);
  return trimmed === '/directory' || /^\/(pkg|collections|u)\/[^/]+$/.test(trimmed) ? trimmed : undefined;
}

/** The one segment after `prefix`, percent-decoded; undefined for anything else (nested, malformed). */
function segment(path: string, prefix: string): string | undefined {
  const raw = path.slice(prefix.length);
  if (raw === '' || raw.includes('/')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

export function createSite(services: Pick<Services, 'db' | 'logger' | 'config' | 'redis'>, ttlMs = 60_000): Site {
  const base = () => services.config.publicBaseUrl;
  const outage = new OutageLog(services.logger, 'site pages', { category: 'site' });
  const cache = (load: (key: string) => Promise<string | null>, maxEntries: number): PageCache =>
    new TtlCache<CachedPage | null>(async (key) => {
      const page = await load(key);
      if (page === null) return null;
      const body = Buffer.from(page);
      return { body, etag: `"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"` };
    }, ttlMs, maxEntries, Date.now, outage);

  const packages = cache((slug) => loadPackagePage(services.db, base(), slug), 5_000);
  const collections = cache((slug) => loadCollectionPage(services.db, base(), slug), 2_000);
  const users = cache((username) => loadUserPage(services.db, base(), username), 2_000);
  // Keyed by the view's canonical address, which always reads back as the same view.
  const directory = cache((key) => {
    const read = readDirectoryQuery(new URLSearchParams(queryOf(key)));
    return 'view' in read ? loadDirectoryPage(services, base(), read.view) : Promise.resolve(null);
  }, 1_000);

  function target(url: string): Target {
    const path = pathOf(url);
    if (path === '/directory') {
      const read = readDirectoryQuery(new URLSearchParams(queryOf(url)));
      return 'view' in read ? { cache: directory, key: directoryPath(read.view) } : read;
    }
    if (path.startsWith('/pkg/')) {
      // Lower-case, as the git proxy reads a slug (proxy/git-paths.ts) and as /u/ and /collections/ are.
      const slug = segment(path, '/pkg/')?.toLowerCase();
      return slug !== undefined && LOOKUP_SLUG.test(slug) ? { cache: packages, key: slug } : NOT_FOUND;
    }
    if (path.startsWith('/collections/')) {
      const slug = segment(path, '/collections/')?.toLowerCase();
      return slug !== undefined && COLLECTION_SLUG_PATTERN.test(slug) ? { cache: collections, key: slug } : NOT_FOUND;
    }
    const username = segment(path, '/u/')?.toLowerCase();
    return username !== undefined && USERNAME_PATTERN.test(username) ? { cache: users, key: username } : NOT_FOUND;
  }

  let notFound: Buffer | undefined;

  function answer(req: IncomingMessage, res: ServerResponse, page: CachedPage | null): void {
    if (!page) {
      notFound ??= Buffer.from(notFoundPage(base()));
      sendPage(res, req.method, 404, notFound, { 'Cache-Control': CACHE_CONTROL });
      return;
    }
    const headers = { 'Cache-Control': CACHE_CONTROL, ETag: page.etag };
    if (req.headers['if-none-match'] === page.etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    sendPage(res, req.method, 200, page.body, headers);
  }

  function serve(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/';
    const canonical = withoutTrailingSlash(pathOf(url));
    if (canonical !== undefined) {
      const query = queryOf(url);
      res.writeHead(301, { Location: query ? `${canonical}?${query}` : canonical, 'Cache-Control': CACHE_CONTROL });
      res.end();
      return;
    }
    const to = target(url);
    if ('notFound' in to) return answer(req, res, null);
    if ('problems' in to) return sendPage(res, req.method, 400, badRequestPage(base(), to.problems), { 'Cache-Control': CACHE_CONTROL });
    const cached = to.cache.peek(to.key);
    if (cached !== undefined) return answer(req, res, cached);
    return to.cache.get(to.key).then(
      (page) => answer(req, res, page),
      () => sendPage(res, req.method, 503, '<!doctype html><title>Unavailable</title><p>This page is unavailable just now; please try again in a moment.</p>', { 'Cache-Control': 'no-store', 'Retry-After': '5' }),
    );
  }

  return {
    owns: (path) => path === '/directory' || path === '/directory/' || path.startsWith('/pkg/') || path.startsWith('/collections/') || path.startsWith('/u/'),
    template: siteTemplate,
    async handle(req, res) {
      const allowance = await takeAddressAllowance(services, clientIp(req, services.config.trustProxyHops), 'public-pages', services.config.publicLimits.pagesPerMinute);
      if (allowance) for (const [name, value] of Object.entries(allowanceHeaders(allowance))) res.setHeader(name, value);
      if (allowance?.retryAfterSeconds !== undefined) {
        sendPage(res, req.method, 429, tooManyRequestsPage(base(), allowance.retryAfterSeconds), { 'Cache-Control': 'no-store' });
        return;
      }
      await serve(req, res);
    },
  };
}
