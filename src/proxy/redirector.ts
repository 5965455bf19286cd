import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import type { ClickBuffer } from './click-buffer';
import type { ClickIdBlocks } from './click-ids';
import type { CachedLink, LinkCache } from './link-cache';
import { judgeLink } from './link-rules';
import { sendGone, sendHtml, sendNotFound, page } from './pages';
import { sendRedirect } from './send-redirect';

export interface RedirectorDeps {
  cache: LinkCache;
  clicks: ClickBuffer;
  trustedHops: number;
  logger: Logger;
  /** Edge-minted integer click ids, for links with append_click_id. */
  clickIds?: ClickIdBlocks;
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
        // Variant choice, click id and the click event itself: send-redirect.ts.
        sendRedirect(deps, req, res, verdict.link, now);
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
