import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClickBuffer } from './click-buffer';
import { appendClickId, withClickId, type ClickIdBlocks } from './click-ids';
import { clientIp } from './client-ip';
import type { CachedLink } from './link-cache';
import { decideVariant } from './variant-choice';

export interface SendRedirectDeps {
  clicks: ClickBuffer;
  trustedHops: number;
  /** Edge-minted integer click ids, for links with append_click_id. */
  clickIds?: ClickIdBlocks;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

/**
 * The 302 for a link that may be followed: choose the destination (an A/B variant — the
 * visitor's remembered one or a weighted pick — or the link's own), stamp the click (with its
 * variant and, for opted-in links, an edge-minted click id), hand it to the batch buffer
 * without waiting, answer. HEAD requests are answered alike but are not clicks.
 */
export function sendRedirect(deps: SendRedirectDeps, req: IncomingMessage, res: ServerResponse, link: CachedLink, now: number): void {
  const choice = decideVariant(link.id, link.variants ?? [], req.headers.cookie, pathOf(req), Math.random());
  const isClick = req.method === 'GET';
  withClickId(deps.clickIds, isClick && link.appendClickId === true, (clickId) => {
    if (isClick) {
      deps.clicks.push({
        id: randomUUID(),
        ...(clickId !== undefined ? { clickId } : {}),
        linkId: link.id,
        userId: link.userId,
        variantId: choice.variant?.id ?? null,
        at: now,
        ip: clientIp(req, deps.trustedHops),
        userAgent: req.headers['user-agent'] ?? '',
        referrer: req.headers.referer ?? null,
      });
    }
    res.writeHead(302, {
      Location: appendClickId(choice.variant?.destination ?? link.destination, clickId),
      'Cache-Control': 'private, max-age=0',
      'Content-Length': '0',
      ...(choice.setCookie ? { 'Set-Cookie': choice.setCookie } : {}),
    });
    res.end();
  });
}
