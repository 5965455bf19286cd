import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { RESERVED_CODES, SHORT_CODE_PATTERN } from '../lib/short-codes';
import { isDashboardPath } from './dashboard';
import { isGitPath } from './git-paths';
import { pathOf } from '../lib/url-path';
import { VERIFICATION_PATH_PREFIX } from '../lib/domain-verification';
import { withinEdgeRequest } from './edge-safety-net';
import { NUGET_PREFIX } from './nuget-proxy';
import { failRequest } from './request-failure';
import { httpDuration, httpRequests, redirectDuration } from '../lib/metrics';
import { acceptRequestId, REQUEST_ID_HEADER, withRequestId } from '../lib/request-context';

/**
 * A public-edge handler. Whatever it does asynchronously it must return as its promise (or
 * handle itself): the edge catches both what it throws and what that promise rejects with.
 */
export type EdgeHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface EdgeRoutes {
  api: EdgeHandler;
  redirect: (req: IncomingMessage, res: ServerResponse, code: string) => void | Promise<void>;
  /** GET /badge/{slug}.svg (src/proxy/badges.ts). */
  badge?: EdgeHandler;
  /** /<slug>.git/… and /track/<slug>.git/… — any method (git POSTs upload-pack). */
  git?: EdgeHandler;
  /** The dashboard's pages and assets (src/proxy/dashboard.ts). */
  dashboard?: EdgeHandler;
  /** /nuget/flatcontainer/… (src/proxy/nuget-proxy.ts). */
  nuget?: EdgeHandler;
  /** GET / : a custom domain's root redirect, else `otherwise` (redirector.ts). */
  root?: (req: IncomingMessage, res: ServerResponse, otherwise: () => void | Promise<void>) => void | Promise<void>;
  /** GET /.well-known/linktally/<token>: a custom domain's verification (domain-verification.ts). */
  domainVerification?: EdgeHandler;
  /** GET /card/{slug}.svg|png (src/proxy/cards.ts). */
  card?: EdgeHandler;
  /** The server-rendered pages for people (src/site/): the paths it owns, and its handler. */
  site?: { owns(path: string): boolean; template(path: string): string; handle: EdgeHandler };
}

/**
 * The front door of the web process. Public edge paths (short links, the git proxy and
 * badges) are dispatched here without touching Express; everything else is the API app.
 * No failure while answering one request may end the process or touch another request: each
 * dispatch is guarded, and a failure answers that request alone (request-failure.ts); what
 * escapes even so (a throw in a timer or event callback) the process-level net catches
 * through the request's async context (edge-safety-net.ts).
 */
export function createEdge(routes: EdgeRoutes, logger: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  function guarded(route: string, req: IncomingMessage, res: ServerResponse, run: () => void | Promise<void>): void {
    withinEdgeRequest({ route, req, res }, () => {
      try {
        const pending = run();
        if (pending) pending.catch((err: unknown) => failRequest(logger, route, req, res, err));
      } catch (err) {
        failRequest(logger, route, req, res, err);
      }
    });
  }

  return (req, res) => {
    // Every response, edge or API, says which request it answered; the id rides on every log line.
    const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    const surface = withRequestId(requestId, () => dispatch(req, res));
    res.once('finish', () => record(surface, req, res, Number(process.hrtime.bigint() - started) / 1e9, surface === 'site' ? routes.site?.template(pathOf(req.url ?? '/')) : undefined));
  };

  function dispatch(req: IncomingMessage, res: ServerResponse): EdgeSurface {
    const url = req.url ?? '/';
    const { git, badge, nuget, dashboard, root, domainVerification, card, site } = routes;
    if (git && isGitPath(url)) {
      guarded('git', req, res, () => git(req, res));
      return 'git';
    }
    // POST /:code is a password form's answer; the redirector takes it too.
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST') {
      const path = pathOf(url);
      if (badge && path.startsWith('/badge/')) {
        guarded('badge', req, res, () => badge(req, res));
        return 'badge';
      }
      if (card && path.startsWith('/card/')) {
        guarded('card', req, res, () => card(req, res));
        return 'card';
      }
      if (site && req.method !== 'POST' && site.owns(path)) {
        guarded('site', req, res, () => site.handle(req, res));
        return 'site';
      }
      if (nuget && path.startsWith(NUGET_PREFIX)) {
        guarded('nuget', req, res, () => nuget(req, res));
        return 'nuget';
      }
      if (domainVerification && req.method !== 'POST' && path.startsWith(VERIFICATION_PATH_PREFIX)) {
        guarded('domain-verification', req, res, () => domainVerification(req, res));
        return 'domain-verification';
      }
      if (root && req.method !== 'POST' && path === '/') {
        // Not a custom domain's root: the dashboard's sign-in page where there is one, else the API.
        const otherwise = dashboard && isDashboardPath(path) ? () => dashboard(req, res) : () => routes.api(req, res);
        guarded('redirect', req, res, () => root(req, res, otherwise));
        return 'redirect';
      }
      if (dashboard && req.method !== 'POST' && isDashboardPath(path)) {
        guarded('dashboard', req, res, () => dashboard(req, res));
        return 'dashboard';
      }
      const code = path.slice(1);
      if (code.length > 0 && code.indexOf('/') === -1 && SHORT_CODE_PATTERN.test(code) && !RESERVED_CODES.has(code.toLowerCase())) {
        guarded('redirect', req, res, () => routes.redirect(req, res, code));
        return 'redirect';
      }
    }
    guarded('api', req, res, () => routes.api(req, res));
    return 'api';
  }
}

type EdgeSurface = 'git' | 'badge' | 'card' | 'site' | 'nuget' | 'dashboard' | 'redirect' | 'domain-verification' | 'api';

/** Route templates of the public edge: metrics are labelled by these, never by the raw path. */
const EDGE_TEMPLATES: Record<Exclude<EdgeSurface, 'api'>, string> = {
  git: '/{slug}.git/*', badge: '/badge/{slug}.svg', card: '/card/{slug}', site: '/pkg/{slug}', nuget: `${NUGET_PREFIX}*`, dashboard: '/dashboard', redirect: '/{code}',
  'domain-verification': `${VERIFICATION_PATH_PREFIX}{token}`,
};

/** `template`: the route label a surface with several routes (the site) gives the path. */
function record(surface: EdgeSurface, req: IncomingMessage, res: ServerResponse, seconds: number, template?: string): void {
  let route: string;
  if (surface === 'api') {
    // Express leaves the matched route on the request; unmatched paths share one label.
    const matched = req as IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };
    route = typeof matched.route?.path === 'string' ? `${matched.baseUrl ?? ''}${matched.route.path}` : 'unmatched';
  } else {
    route = template ?? EDGE_TEMPLATES[surface];
  }
  const method = req.method ?? 'GET';
  httpRequests.inc({ method, route, status: String(res.statusCode) });
  httpDuration.observe({ method, route }, seconds);
  if (surface === 'redirect') redirectDuration.observe(seconds);
}
