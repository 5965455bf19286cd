import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ClickEvent } from '../lib/edge-events';
import { boundReferrer, boundUserAgent } from '../lib/visitor-bounds';
import type { ClickBuffer } from './click-buffer';
import { appendClickId, withClickId, type ClickIdBlocks } from './click-ids';
import { clientIp } from '../lib/client-ip';
import { timeOrderedId } from '../lib/event-ids';
import type { CachedLink } from './link-cache';
import { decideVariant, type VariantDecision } from './variant-choice';
import { canonicalDestination } from '../lib/destination-url';
import { pathOf } from '../lib/url-path';
import type { Logger } from '../logger';
import { sendServerError } from './pages';
import { triggerOf } from '../lib/click-trigger';
import { matchRule } from './targeting';

const NO_VARIANT: VariantDecision = { variant: null, setCookie: null };

export interface SendRedirectDeps {
  clicks: ClickBuffer;
  trustedHops: number;
  logger: Logger;
  /** Edge-minted integer click ids, for links with append_click_id. */
  clickIds?: ClickIdBlocks;
}

export interface RedirectExtras {
  /** The referrer to record, when it is not this request's (e.g. carried through a password form). */
  referrer?: string | null;
  /** More response headers (e.g. a password cookie); Set-Cookie values are combined with the variant's. */
  headers?: Record<string, string>;
}

function combineCookies(...cookies: Array<string | null | undefined>): string[] | undefined {
  const present = cookies.filter((c): c is string => typeof c === 'string' && c.length > 0);
  return present.length > 0 ? present : undefined;
}

// Printable ASCII only: what a canonical destination always is (src/lib/destination-url.ts).
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/**
 * The Location for a destination: as stored when it is already header-safe (every destination
 * written since they are canonicalised), else its canonical href, else null (unusable).
 * Defence in depth: a row written by hand must cost one error page, never a throw in writeHead.
 */
export function safeLocation(destination: string): string | null {
  if (HEADER_SAFE.test(destination)) return destination;
  const href = canonicalDestination(destination);
  return href !== null && HEADER_SAFE.test(href) ? href : null;
}

/**
 * The 302 for a link that may be followed: choose the destination (an A/B variant — the
 * visitor's remembered one or a weighted pick — or the link's own), stamp the click (with its
 * variant and, for opted-in links, an edge-minted click id), hand it to the batch buffer
 * without waiting, answer. HEAD requests are answered alike but are not clicks. Also the
 * redirect after a password form (extras carry its referrer and cookie), so protected links
 * split traffic and carry click ids like any other. A destination that cannot be sent as a
 * header is answered with the error page and counts no click; this function does not throw on
 * one. When a click id must be awaited, the returned promise settles once the answer is sent.
 */
export function sendRedirect(deps: SendRedirectDeps, req: IncomingMessage, res: ServerResponse, link: CachedLink, now: number, extras: RedirectExtras = {}): void | Promise<void> {
  // The first matching targeting rule wins; else the usual choice. Links without rules skip both checks' work.
  const rule = link.rules ? matchRule(link.rules, req, now, deps.trustedHops) : null;
  // A rule sends to its destination or chooses among its variant set; no rule: among all the link's variants.
  const pool = rule === null ? link.variants : rule.variants;
  // Most links have no variants: skip the cookie parse, path slice and random draw on the hot path.
  const choice = pool && pool.length > 0 ? decideVariant(link.id, pool, req.headers.cookie, pathOf(req.url ?? '/'), Math.random()) : NO_VARIANT;
  // GET, or a form's POST that ends in this redirect; HEAD only looks.
  const isClick = req.method !== 'HEAD';
  return withClickId(deps.clickIds, isClick && link.appendClickId === true, (clickId) => {
    const location = locationFor(rule?.destination ?? choice.variant?.destination ?? link.destination, clickId);
    if (location === null) {
      deps.logger.error({ category: 'redirect', linkId: link.id, variantId: choice.variant?.id ?? null }, 'destination cannot be sent as a Location header; answered with the error page');
      sendServerError(res);
      return;
    }
    if (isClick) {
      const click: ClickEvent = {
        id: timeOrderedId(now),
        linkId: link.id,
        userId: link.userId,
        variantId: choice.variant?.id ?? null,
        at: now,
        ip: clientIp(req, deps.trustedHops),
        userAgent: boundUserAgent(req.headers['user-agent'] ?? ''),
        referrer: boundReferrer(extras.referrer !== undefined ? extras.referrer : (req.headers.referer ?? null)),
      };
      // Optional fields only when present: most clicks carry none.
      if (clickId !== undefined) click.clickId = clickId;
      if (triggerOf(req.url ?? '/') === 'qr') click.trigger = 'qr';
      if (rule !== null) click.ruleId = rule.id;
      deps.clicks.push(click);
    }
    res.writeHead(302, redirectHeaders(location, extras.headers, choice.setCookie));
    res.end();
  });
}

/** The 302's headers; the usual redirect (no extra headers, no cookie) builds nothing else. */
function redirectHeaders(location: string, extra: Record<string, string> | undefined, variantCookie: string | null): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { Location: location, 'Cache-Control': 'private, max-age=0', 'Content-Length': '0' };
  if (extra === undefined && variantCookie === null) return headers;
  const { 'Set-Cookie': extraCookie, ...rest } = extra ?? {};
  const cookies = combineCookies(extraCookie, variantCookie);
  return { ...rest, ...headers, ...(cookies ? { 'Set-Cookie': cookies } : {}) };
}

function locationFor(destination: string, clickId: number | undefined): string | null {
  const location = safeLocation(destination);
  if (location === null || clickId === undefined) return location;
  try {
    return appendClickId(location, clickId);
  } catch {
    return null; // printable but not a URL: only a hand-written row
  }
}
