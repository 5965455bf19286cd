import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESERVED_CODES, SHORT_CODE_PATTERN } from '../lib/short-codes';
import { isDashboardPath } from './dashboard';
import { isGitPath } from './git-paths';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface EdgeRoutes {
  api: Handler;
  redirect: (req: IncomingMessage, res: ServerResponse, code: string) => void;
  /** GET /badge/{slug}.svg (src/proxy/badges.ts). */
  badge?: Handler;
  /** /<slug>.git/… and /track/… — any method (git POSTs upload-pack). */
  git?: Handler;
  /** The dashboard's pages and assets (src/proxy/dashboard.ts). */
  dashboard?: Handler;
}

/**
 * The front door of the web process. Public edge paths (short links, and later the git proxy
 * and badges) are dispatched here without touching Express; everything else is the API app.
 */
export function createEdge(routes: EdgeRoutes): Handler {
  return (req, res) => {
    const url = req.url ?? '/';
    if (routes.git && isGitPath(url)) {
      routes.git(req, res);
      return;
    }
    // POST /:code is a password form's answer; the redirector takes it too.
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST') {
      const end = url.indexOf('?');
      const path = end === -1 ? url : url.slice(0, end);
      if (routes.badge && path.startsWith('/badge/')) {
        routes.badge(req, res);
        return;
      }
      if (routes.dashboard && req.method !== 'POST' && isDashboardPath(path)) {
        routes.dashboard(req, res);
        return;
      }
      const code = path.slice(1);
      if (code.length > 0 && code.indexOf('/') === -1 && SHORT_CODE_PATTERN.test(code) && !RESERVED_CODES.has(code.toLowerCase())) {
        routes.redirect(req, res, code);
        return;
      }
    }
    routes.api(req, res);
  };
}
