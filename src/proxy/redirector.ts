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
import { sendRedirect } from './send-redirect';

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

  function follow(req: IncomingMessage, res: ServerResponse, code: string, link: CachedLink | null): void | Promise<void> {
    const now = Date.now();
    const verdict = judgeLink(link, now);
    switch (verdict.kind) {
      case 'not_found':
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
          sendPreview(res, verdict.link.preview, `${deps.config.publicBaseUrl}/${code}`, verdict.link.destination);
          return;
        }
        // Variant choice, click id and the click event itself: send-redirect.ts.
        return sendRedirect(deps, req, res, verdict.link, now);
    }
  }

  /** What follow() throws, here or in the promise returned, the edge answers (edge.ts). */
  return function redirect(req: IncomingMessage, res: ServerResponse, code: string): void | Promise<void> {
    const cached = deps.cache.peek(code);
    if (cached !== undefined) return follow(req, res, code, cached);
    return deps.cache.get(code).then(
      (link) => follow(req, res, code, link),
      // Logged by the cache, once per outage rather than once per request.
      () => sendUnavailable(res),
    );
  };
}
