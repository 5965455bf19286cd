import type { IncomingMessage, ServerResponse } from 'node:http';
import { LOOKUP_SLUG } from '../db/package-stats-store';
import { allowanceHeaders, allowanceMessage, takeAddressAllowance } from '../domain/address-allowance';
import { clientIp } from '../lib/client-ip';
import { pathOf } from '../lib/url-path';
import type { Services } from '../services';
import { MISSING_CARD, type CardCache, type CardImage, type RenderedCard } from './card-cache';

/**
 * GET /card/{slug}.svg and /card/{slug}.png: a package's card (the pkglnk client's
 * card_image_url and card_image_png_url), outside Express. An unknown and a private package get
 * the same neutral "Package not found" card with 404, so a card never tells whether a private
 * package exists. A cached card is answered synchronously (TtlCache.peek) and costs its address
 * nothing; one that must be read and rendered counts against the address's allowance of card
 * renders (CARD_RENDERS_PER_MINUTE), past which it gets a 429 with Retry-After.
 */

const CARD_PATH = /^\/card\/([^/]+)\.(svg|png)$/;

export function cardRequest(path: string): { slug: string | undefined; format: 'svg' | 'png' } | undefined {
  const match = CARD_PATH.exec(path);
  if (!match) return undefined;
  const format = match[2] as 'svg' | 'png';
  try {
    const slug = decodeURIComponent(match[1] as string);
    return { slug: LOOKUP_SLUG.test(slug) ? slug : undefined, format };
  } catch {
    return { slug: undefined, format };
  }
}

const CACHE_FOUND = 'public, max-age=600';
const CACHE_MISSING = 'public, max-age=300';
const TYPES = { svg: 'image/svg+xml', png: 'image/png' } as const;

function send(req: IncomingMessage, res: ServerResponse, status: number, card: RenderedCard, format: 'svg' | 'png', cacheControl: string): void {
  const image: CardImage = format === 'svg' ? card.svg : card.pngImage();
  if (status === 200 && req.headers['if-none-match'] === image.etag) {
    res.writeHead(304, { 'Cache-Control': cacheControl, ETag: image.etag });
    res.end();
    return;
  }
  res.writeHead(status, {
    'Content-Type': TYPES[format],
    'Content-Length': image.body.length,
    'Cache-Control': cacheControl,
    ETag: image.etag,
    'X-Content-Type-Options': 'nosniff',
    // An SVG opened directly from this origin may run nothing.
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
  res.end(req.method === 'HEAD' ? undefined : image.body);
}

function answer(req: IncomingMessage, res: ServerResponse, card: RenderedCard | null, format: 'svg' | 'png'): void {
  if (card) send(req, res, 200, card, format, CACHE_FOUND);
  else send(req, res, 404, MISSING_CARD, format, CACHE_MISSING);
}

async function refusedRender(services: Pick<Services, 'redis' | 'config' | 'logger'>, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const allowance = await takeAddressAllowance(services, clientIp(req, services.config.trustProxyHops), 'card-renders', services.config.publicLimits.cardRendersPerMinute);
  if (!allowance) return false;
  const headers = allowanceHeaders(allowance);
  if (allowance.retryAfterSeconds === undefined) {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    return false;
  }
  res.writeHead(429, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${allowanceMessage(allowance)}\n`);
  return true;
}

export function createCardHandler(cache: CardCache, services: Pick<Services, 'redis' | 'config' | 'logger'>) {
  return function card(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const request = cardRequest(pathOf(req.url ?? '/'));
    if (!request?.slug) {
      answer(req, res, null, request?.format ?? 'svg');
      return;
    }
    const { slug, format } = request;
    const cached = cache.peek(slug);
    if (cached !== undefined) {
      answer(req, res, cached, format);
      return;
    }
    return refusedRender(services, req, res).then((refused) => {
      if (refused) return undefined;
      return cache.get(slug).then(
        (loaded) => answer(req, res, loaded, format),
        // Logged by the cache, once per outage.
        () => {
          res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'Retry-After': '5' });
          res.end('Card temporarily unavailable\n');
        },
      );
    });
  };
}
