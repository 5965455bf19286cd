import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { RESERVED_CODES, SHORT_CODE_PATTERN } from '../lib/short-codes';
import { isDashboardPath } from './dashboard';
import { isGitPath } from './git-paths';
import { pathOf } from '../lib/url-path';
import { VERIFICATION_PATH_PREFIX } from '../lib/domain-verification';
import { NUGET_PREFIX } from './nuget-proxy';
import { EdgeResponse } from './edge-response';
import { failRequest } from './request-failure';
import { countRedirect, httpDuration, httpRequests, redirectDuration } from '../lib/metrics';
import { acceptRequestId, REQUEST_ID_HEADER, withEdgeRequest } from '../lib/request-context';

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
  const { api, git, badge, nuget, dashboard, root, domainVerification, card, site } = routes;
  // GET / that is not a custom domain's root: the dashboard's sign-in page where there is one, else the API.
  const notCustomRoot = dashboard && isDashboardPath('/') ? dashboard : api;
  // Each surface's handler, built once. surfaceOf picks only surfaces whose route exists; the
  // API app stands in for the others so the table is total.
  const handlers: Record<EdgeSurface, EdgeHandler> = {
    redirect: (req, res) => routes.redirect(req, res, pathOf(req.url ?? '/').slice(1)),
    root: root ? (req, res) => root(req, res, () => notCustomRoot(req, res)) : api,
    git: git ?? api,
    badge: badge ?? api,
    card: card ?? api,
    site: site ? (req, res) => site.handle(req, res) : api,
    nuget: nuget ?? api,
    'domain-verification': domainVerification ?? api,
    dashboard: dashboard ?? api,
    api,
  };

  return (req, res) => {
    // Every response, edge or API, says which request it answered; the id rides on every log line.
    const requestId = acceptRequestId(req.headers[REQUEST_ID_HEADER]);
    const started = performance.now();
    const surface = surfaceOf(req);
    // The redirect's responses add the id as they are written (edge-response.ts); the other
    // surfaces may hand the response to Express, which gives it a prototype of its own.
    if (surface === 'redirect' && res instanceof EdgeResponse) res.requestId = requestId;
    else res.setHeader('X-Request-Id', requestId);
    // One async context per request, for its log lines and for the process-level safety net.
    withEdgeRequest(requestId, { route: surface, req, res }, () => {
      try {
        const pending = handlers[surface](req, res);
        if (pending) pending.catch((err: unknown) => failRequest(logger, surface, req, res, err));
      } catch (err) {
        failRequest(logger, surface, req, res, err);
      }
    });
    // A response already ended (a cached redirect answers synchronously) is recorded now, with no
    // listener to add; any other when it finishes.
    if (res.writableEnded) record(surface, req, res, started);
    else res.once('finish', () => record(surface, req, res, started));
  };

  /** Which surface answers: public edge paths without touching Express, everything else the API app. */
  function surfaceOf(req: IncomingMessage): EdgeSurface {
    const url = req.url ?? '/';
    if (git && isGitPath(url)) return 'git';
    // POST /:code is a password form's answer; the redirector takes it too.
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'POST') {
      const path = pathOf(url);
      if (badge && path.startsWith('/badge/')) return 'badge';
      if (card && path.startsWith('/card/')) return 'card';
      if (site && req.method !== 'POST' && site.owns(path)) return 'site';
      if (nuget && path.startsWith(NUGET_PREFIX)) return 'nuget';
      if (domainVerification && req.method !== 'POST' && path.startsWith(VERIFICATION_PATH_PREFIX)) return 'domain-verification';
      if (root && req.method !== 'POST' && path === '/') return 'root';
      if (dashboard && req.method !== 'POST' && isDashboardPath(path)) return 'dashboard';
      const code = path.slice(1);
      if (code.length > 0 && code.indexOf('/') === -1 && SHORT_CODE_PATTERN.test(code) && !RESERVED_CODES.has(code.toLowerCase())) return 'redirect';
    }
    return 'api';
  }

  /** `started`: performance.now() when the request arrived. */
  function record(surface: EdgeSurface, req: IncomingMessage, res: ServerResponse, started: number): void {
    const seconds = (performance.now() - started) / 1e3;
    const method = req.method ?? 'GET';
    // GET / is a redirect only on a custom domain; elsewhere it is the dashboard's sign-in page.
    if (surface === 'redirect' || (surface === 'root' && res.statusCode >= 300 && res.statusCode < 400)) {
      // The hot path: plain counters and one label-free histogram (lib/metrics.ts).
      countRedirect(method, res.statusCode);
      redirectDuration.observe(seconds);
      return;
    }
    let route: string;
    if (surface === 'api') {
      // Express leaves the matched route on the request; unmatched paths share one label.
      const matched = req as IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };
      route = typeof matched.route?.path === 'string' ? `${matched.baseUrl ?? ''}${matched.route.path}` : 'unmatched';
    } else {
      route = surface === 'site' ? (site?.template(pathOf(req.url ?? '/')) ?? EDGE_TEMPLATES.site) : EDGE_TEMPLATES[surface];
    }
    httpRequests.inc({ method, route, status: String(res.statusCode) });
    httpDuration.observe({ method, route }, seconds);
  }
}

type EdgeSurface = 'git' | 'badge' | 'card' | 'site' | 'nuget' | 'dashboard' | 'redirect' | 'root' | 'domain-verification' | 'api';

/** Route templates of the public edge: metrics are labelled by these, never by the raw path. */
const EDGE_TEMPLATES: Record<Exclude<EdgeSurface, 'api' | 'redirect'>, string> = {
  root: '/', git: '/{slug}.git/*', badge: '/badge/{slug}.svg', card: '/card/{slug}', site: '/pkg/{slug}', nuget: `${NUGET_PREFIX}*`, dashboard: '/dashboard',
  'domain-verification': `${VERIFICATION_PATH_PREFIX}{token}`,
};
