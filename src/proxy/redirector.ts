import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RedisClient } from '../redis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { ClickBuffer } from './click-buffer';
import type { ClickIdBlocks } from './click-ids';
import type { CachedLink, LinkCache } from './link-cache';
import { judgeLink } from './link-rules';
import { isPreviewCrawler, sendPreview } from './link-preview';
import { sendGone, sendNotFound, sendUnavailable } from './pages';
import { DEFAULT_ATTEMPT_LIMITS, PasswordAttempts, type AttemptLimits } from './password-attempts';
import { createPasswordGate } from './password-gate';
import { safeLocation, sendRedirect } from './send-redirect';
import type { CachedDomain, DomainCache } from './domain-cache';
import { hostOf, linkCacheKey } from '../lib/hostnames';

export interface RedirectorDeps {
  cache: LinkCache;
  clicks: ClickBuffer;
  trustedHops: number;
  logger: Logger;
  config: Config;
  /** Counts password attempts; only protected links ever touch it. */
  redis: RedisClient;
  passwordAttempts?: AttemptLimits;
  /** Edge-minted integer click ids, for links with append_click_id. */
  clickIds?: ClickIdBlocks;
  /** Custom domains by Host; without it every host serves the default domain's links. */
  domains?: DomainCache;
}

/** A custom domain's own redirect (root, not found): no click, nothing cached by the browser. */
function sendDomainRedirect(res: ServerResponse, target: string | null): void {
  const location = target === null ? null : safeLocation(target);
  if (location === null) return sendNotFound(res);
  res.writeHead(302, { Location: location, 'Cache-Control': 'private, max-age=0', 'Content-Length': '0' });
  res.end();
}

/**
 * GET /:short_code — the hot path. A cache hit answers synchronously: judge, stamp the click,
 * hand it to the batch buffer (never awaited), 302. No Express, no per-click Redis round trip.
 * POST /:short_code is the password form's answer (password-gate.ts).
 */
export function createRedirector(deps: RedirectorDeps) {
  /** 302 after a password (GET with its cookie, or the form's POST): variants, click ids and the click as for any redirect. */
  function redirectThroughGate(req: IncomingMessage, res: ServerResponse, link: CachedLink, now: number, referrer: string | null, headers: Record<string, string> = {}): void | Promise<void> {
    return sendRedirect(deps, req, res, link, now, { referrer, headers });
  }

  const password = createPasswordGate({
    config: deps.config,
    attempts: new PasswordAttempts(deps.redis, deps.config, deps.passwordAttempts ?? DEFAULT_ATTEMPT_LIMITS),
    trustedHops: deps.trustedHops,
    logger: deps.logger,
    redirect: redirectThroughGate,
  });

  // PUBLIC_BASE_URL's host, re-read if the setting changes (tests set it once the port is known).
  let defaultFor = '';
  let defaultHost = '';
  let defaultHostHeader = '';
  function isDefaultHost(header: string | undefined): boolean {
    if (deps.config.publicBaseUrl !== defaultFor) {
      const base = new URL(deps.config.publicBaseUrl);
      defaultFor = deps.config.publicBaseUrl;
      defaultHost = base.hostname.toLowerCase();
      defaultHostHeader = base.host;
    }
    // The usual case costs one comparison and no allocation.
    return header === defaultHostHeader || header === undefined || hostnameOf(header) === defaultHost;
  }

  // A process's requests mostly carry one Host: its hostname is derived once rather than on every
  // redirect, and the domain cache is asked with the same string, whose hash is kept.
  let lastHostHeader: string | undefined;
  let lastHostname = '';
  function hostnameOf(header: string | undefined): string {
    if (header !== lastHostHeader) {
      lastHostname = hostOf(header);
      lastHostHeader = header;
    }
    return lastHostname;
  }

  function follow(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink | null, domain: CachedDomain | null): void | Promise<void> {
    const now = Date.now();
    const verdict = judgeLink(link, now);
    switch (verdict.kind) {
      case 'not_found':
        if (domain?.notFoundRedirect) return sendDomainRedirect(res, domain.notFoundRedirect);
        sendNotFound(res);
        return;
      case 'gone':
        sendGone(res);
        return;
      case 'password':
        if (req.method === 'POST') return password.submit(req, res, code, verdict.link);
        return password.show(req, res, code, verdict.link, now);
      case 'redirect':
        if (req.method === 'POST') {
          // A form answered after its password was removed: send the browser back to GET the link.
          res.writeHead(303, { Location: (req.url ?? `/${code}`).slice(1), 'Cache-Control': 'no-store', 'Content-Length': '0' });
          res.end();
          return;
        }
        // A link-preview crawler gets the owner's Open Graph page, and no click is counted.
        if (verdict.link.preview !== undefined && isPreviewCrawler(req.headers['user-agent'])) {
          sendPreview(res, verdict.link.preview, shortUrl(req, code, domain), verdict.link.destination);
          return;
        }
        // Variant choice, click id and the click event itself: send-redirect.ts.
        return sendRedirect(deps, req, res, verdict.link, now);
    }
  }

  function shortUrl(req: IncomingMessage, code: string, domain: CachedDomain | null): string {
    if (domain === null) return `${deps.config.publicBaseUrl}/${code}`;
    return `${new URL(deps.config.publicBaseUrl).protocol}//${hostOf(req.headers.host)}/${code}`;
  }

  function followCode(req: IncomingMessage, res: ServerResponse, code: string, domain: CachedDomain | null): void | Promise<void> {
    // An unverified domain serves nothing yet: not its links, and not the default domain's.
    if (domain !== null && !domain.active) return sendNotFound(res);
    const key = linkCacheKey(domain?.id ?? null, code);
    const cached = deps.cache.peek(key);
    if (cached !== undefined) return follow(req, res, code, cached, domain);
    return deps.cache.get(key).then(
      (link) => follow(req, res, code, link, domain),
      // Logged by the cache, once per outage rather than once per request.
      () => sendUnavailable(res),
    );
  }

  /**
   * The Host's custom domain, or null for the default domain: PUBLIC_BASE_URL's host and any
   * host no domain claims (an IP, the platform's own hostname) serve the default domain's links.
   * The default host never consults the domain cache; other hosts cost a synchronous peek.
   */
  function withDomain(req: IncomingMessage, res: ServerResponse, then: (domain: CachedDomain | null) => void | Promise<void>): void | Promise<void> {
    if (!deps.domains || isDefaultHost(req.headers.host)) return then(null);
    const host = hostnameOf(req.headers.host);
    if (host === '') return then(null);
    const cached = deps.domains.peek(host);
    if (cached !== undefined) return then(cached);
    return deps.domains.get(host).then(then, () => sendUnavailable(res));
  }

  /** What these throw, here or in the promise returned, the edge answers (edge.ts). */
  return {
    redirect(req: IncomingMessage, res: ServerResponse, code: string): void | Promise<void> {
      return withDomain(req, res, (domain) => followCode(req, res, code, domain));
    },
    /** GET / : a verified custom domain's root redirect; anything else is `otherwise` (the API app). */
    root(req: IncomingMessage, res: ServerResponse, otherwise: () => void | Promise<void>): void | Promise<void> {
      return withDomain(req, res, (domain) => {
        if (domain === null) return otherwise();
        if (!domain.active) return sendNotFound(res);
        return sendDomainRedirect(res, domain.rootRedirect);
      });
    },
  };
}
