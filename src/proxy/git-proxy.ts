import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import { findPackageBySlug, type ProxiedPackage } from '../db/package-store';
import type { InstallEventType } from '../lib/edge-events';
import type { Logger } from '../logger';
import { SLUG_PATTERN } from '../domain/packages';
import { clientIp } from '../lib/client-ip';
import { forward, type ForwardOptions } from './forward';
import { parseGitPath, serviceOf, type GitAction } from './git-paths';
import type { InstallTracker } from './install-tracker';

export type GitProxyOptions = ForwardOptions;

export const DEFAULT_GIT_PROXY: GitProxyOptions = { headersTimeoutMs: 60_000, idleTimeoutMs: 120_000 };

export interface GitProxyDeps {
  db: Db;
  config: Pick<Config, 'gitUpstreams' | 'trustProxyHops'>;
  tracker: InstallTracker;
  logger: Logger;
  options?: GitProxyOptions;
}

const EVENT_OF: Record<Exclude<GitAction, 'receive-pack'>, InstallEventType> = {
  'info-refs': 'clone_start',
  'upload-pack': 'fetch_objects',
  'lfs-batch': 'lfs',
};

// What git and git-lfs send that upstream needs. Nothing else crosses: no cookies, no
// X-Forwarded-For (the visitor's address is never sent on), no Host.
const FORWARDED_REQUEST_HEADERS = ['accept', 'accept-encoding', 'accept-language', 'authorization', 'content-type', 'content-encoding', 'content-length', 'git-protocol', 'pragma'];

function upstreamHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  // Hosts key smart-HTTP behaviour on a git/ agent. A git or git-lfs agent names software, not a
  // person, and is passed on; anything else is replaced rather than sent on.
  const agent = req.headers['user-agent'] ?? '';
  headers['user-agent'] = /^git(-lfs)?\//i.test(agent) ? agent : 'git/2 (linktally-proxy)';
  return headers;
}

/** Plain text: git prints a text/plain error body to the user as "remote: …" lines. */
function sendText(res: ServerResponse, status: number, message: string, extra: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(message), 'Cache-Control': 'no-store', ...extra });
  res.end(message);
}

const NOT_FOUND = 'Repository not found.\n';

/**
 * The git smart-HTTP proxy: /<slug>.git/… and /track/<slug>.git/… are forwarded, streaming, to
 * the package's upstream repository (<GIT_UPSTREAM_<PLATFORM>>/<owner>/<repo>.git/…). Read-only:
 * pushes are refused. Each request the upstream answers successfully becomes an install event,
 * recorded off the request path. Credentials (Authorization) pass through untouched and are
 * never logged or kept.
 */
export function createGitProxy(deps: GitProxyDeps) {
  const options = deps.options ?? DEFAULT_GIT_PROXY;

  function allowed(req: IncomingMessage, res: ServerResponse, methods: string[]): boolean {
    if (methods.includes(req.method ?? '')) return true;
    sendText(res, 405, `Method ${req.method ?? ''} is not allowed here.\n`, { Allow: methods.join(', ') });
    return false;
  }

  function proxy(req: IncomingMessage, res: ServerResponse, pkg: ProxiedPackage, action: Exclude<GitAction, 'receive-pack'>, rest: string): void {
    const base = deps.config.gitUpstreams[pkg.git_platform];
    const owner = pkg.git_owner.split('/').map(encodeURIComponent).join('/');
    const target = new URL(`${base}/${owner}/${encodeURIComponent(pkg.git_repo)}.git${rest}`);
    if (action === 'info-refs') target.searchParams.set('service', 'git-upload-pack');
    const sighting = {
      packageId: pkg.id,
      subpath: pkg.git_path,
      type: EVENT_OF[action],
      at: Date.now(),
      ip: clientIp(req, deps.config.trustProxyHops),
      userAgent: req.headers['user-agent'] ?? '',
    };
    const started = process.hrtime.bigint();
    res.on('close', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      deps.logger.info({ category: 'git', slug: pkg.slug, action, status: res.statusCode, complete: res.writableFinished, ms }, 'git request');
    });
    forward(req, res, target, upstreamHeaders(req), options, {
      onResponse: (status) => {
        // Only answered requests are installs: a 401 challenge or an upstream 404 is not.
        if (status < 400) deps.tracker.record(sighting);
      },
      onFailure: (status, reason) => deps.logger.warn({ category: 'git', slug: pkg.slug, action, status, reason }, 'upstream failed'),
    });
  }

  return function gitProxy(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/';
    const parsed = parseGitPath(url);
    if (!parsed || !parsed.action) {
      sendText(res, 404, NOT_FOUND);
      return;
    }
    const { action, slug, rest } = parsed;
    if (action === 'receive-pack' || (action === 'info-refs' && serviceOf(url) === 'git-receive-pack')) {
      sendText(res, 403, 'Pushing is not supported through this URL: it is a read-only install link. Push to the repository itself.\n');
      return;
    }
    if (action === 'info-refs') {
      if (!allowed(req, res, ['GET', 'HEAD'])) return;
      if (serviceOf(url) !== 'git-upload-pack') {
        sendText(res, 403, 'Only the smart HTTP protocol is supported (info/refs?service=git-upload-pack); please use a recent git.\n');
        return;
      }
    } else if (!allowed(req, res, ['POST'])) return;
    if (!SLUG_PATTERN.test(slug)) {
      sendText(res, 404, NOT_FOUND);
      return;
    }
    return findPackageBySlug(deps.db, slug).then(
      (pkg) => {
        if (!pkg) sendText(res, 404, NOT_FOUND);
        else proxy(req, res, pkg, action, rest);
      },
      (err: unknown) => {
        deps.logger.error({ category: 'git', err: (err as Error).message }, 'package lookup failed');
        sendText(res, 503, 'Temporarily unavailable; try again in a moment.\n', { 'Retry-After': '5' });
      },
    );
  };
}
