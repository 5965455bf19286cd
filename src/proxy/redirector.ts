import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { ClickBuffer } from './click-buffer';
import { clientIp } from './client-ip';
import type { CachedLink, LinkCache } from './link-cache';
import { judgeLink } from './link-rules';
import { sendGone, sendHtml, sendNotFound, page } from './pages';

export interface RedirectorDeps {
  cache: LinkCache;
  clicks: ClickBuffer;
  trustedHops: number;
  logger: Logger;
}

/**
 * GET /:short_code — the hot path. A cache hit answers synchronously: judge, stamp the click,
 * hand it to the batch buffer (never awaited), 302. No Express, no per-click Redis round trip.
 */
export function createRedirector(deps: RedirectorDeps) {
  function follow(req: IncomingMessage, res: ServerResponse, link: CachedLink | null): void {
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
        sendHtml(res, 401, page('Password required', '<h1>Password required</h1><p>This link is password protected.</p>'));
        return;
      case 'redirect':
        if (req.method === 'GET') {
          deps.clicks.push({
            id: randomUUID(),
            linkId: verdict.link.id,
            userId: verdict.link.userId,
            variantId: null,
            at: now,
            ip: clientIp(req, deps.trustedHops),
            userAgent: req.headers['user-agent'] ?? '',
            referrer: req.headers.referer ?? null,
          });
        }
        res.writeHead(302, { Location: verdict.link.destination, 'Cache-Control': 'private, max-age=0', 'Content-Length': '0' });
        res.end();
    }
  }

  return function redirect(req: IncomingMessage, res: ServerResponse, code: string): void {
    const cached = deps.cache.peek(code);
    if (cached !== undefined) {
      follow(req, res, cached);
      return;
    }
    deps.cache.get(code).then(
      (link) => follow(req, res, link),
      (err: unknown) => {
        deps.logger.error({ category: 'redirect', err: (err as Error).message }, 'link lookup failed');
        sendHtml(res, 503, page('Temporarily unavailable', '<h1>Temporarily unavailable</h1><p>Please try again in a moment.</p>'), { 'Retry-After': '5' });
      },
    );
  };
}
