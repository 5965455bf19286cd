import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Config } from '../config';
import { findPackageByNuGetId, type NuGetPackage } from '../db/package-store';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { NUGET_ID } from '../domain/packages';
import { clientIp } from '../lib/client-ip';
import { forward, type ForwardOptions } from './forward';
import type { InstallTracker } from './install-tracker';
import { sendText } from './plain-text';

export interface NuGetProxyDeps {
  db: Db;
  config: Pick<Config, 'nugetUpstream' | 'trustProxyHops'>;
  tracker: InstallTracker;
  logger: Logger;
  options: ForwardOptions;
}

export const NUGET_PREFIX = '/nuget/flatcontainer/';

const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;

export type NuGetRequest = { kind: 'index'; id: string } | { kind: 'nupkg'; id: string; version: string };

/**
 * The two flat-container paths the pkglnk client requests: `{id}/index.json` (the versions
 * list) and `{id}/{version}/{id}.{version}.nupkg`. Ids and versions compare case-insensitively
 * and go upstream in lower case, as the protocol asks. Pure.
 */
export function parseNuGetPath(url: string): NuGetRequest | undefined {
  const query = url.indexOf('?');
  const path = (query === -1 ? url : url.slice(0, query)).slice(NUGET_PREFIX.length);
  const segments = path.split('/');
  const id = (segments[0] ?? '').toLowerCase();
  if (!NUGET_ID.test(id)) return undefined;
  if (segments.length === 2 && segments[1] === 'index.json') return { kind: 'index', id };
  if (segments.length !== 3) return undefined;
  const version = (segments[1] as string).toLowerCase();
  if (!VERSION.test(version) || (segments[2] as string).toLowerCase() !== `${id}.${version}.nupkg`) return undefined;
  return { kind: 'nupkg', id, version };
}

// What a package download needs upstream. The visitor's user agent and address never cross.
function upstreamHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'user-agent': 'linktally-nuget-proxy' };
  for (const name of ['accept', 'accept-encoding', 'if-none-match', 'if-modified-since']) {
    const value = req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

/**
 * The NuGet flat-container proxy: /nuget/flatcontainer/… of packages registered as NuGet
 * packages is streamed from NUGET_UPSTREAM. A .nupkg sent in full is an install (event
 * `nupkg_download`), with the same logging limit, sessions, analytics and badges as git installs.
 */
export function createNuGetProxy(deps: NuGetProxyDeps) {
  function proxy(req: IncomingMessage, res: ServerResponse, pkg: NuGetPackage, request: NuGetRequest): void {
    const base = `${deps.config.nugetUpstream}/${encodeURIComponent(request.id)}`;
    const target = new URL(request.kind === 'index' ? `${base}/index.json` : `${base}/${encodeURIComponent(request.version)}/${request.id}.${request.version}.nupkg`);
    const at = Date.now();
    // Read now: once the client is gone its socket no longer knows its address.
    const ip = clientIp(req, deps.config.trustProxyHops);
    let status = 0;
    res.on('close', () => {
      deps.logger.info({ category: 'nuget', slug: pkg.slug, kind: request.kind, status: res.statusCode, complete: res.writableFinished }, 'nuget request');
      if (request.kind !== 'nupkg' || req.method !== 'GET' || status !== 200) return;
      deps.tracker.record({
        packageId: pkg.id,
        subpath: null,
        type: 'nupkg_download',
        at,
        ip,
        userAgent: req.headers['user-agent'] ?? '',
        delivered: res.writableFinished,
      });
    });
    forward(req, res, target, upstreamHeaders(req), deps.options, {
      onResponse: (answered) => {
        status = answered;
      },
      onFailure: (failed, reason) => deps.logger.warn({ category: 'nuget', slug: pkg.slug, status: failed, reason }, 'upstream failed'),
    });
  }

  return function nugetProxy(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, `Method ${req.method ?? ''} is not allowed here.\n`, { Allow: 'GET, HEAD' });
      return;
    }
    const request = parseNuGetPath(req.url ?? '/');
    if (!request) {
      sendText(res, 404, 'Not found.\n');
      return;
    }
    findPackageByNuGetId(deps.db, request.id).then(
      (pkg) => {
        if (!pkg) sendText(res, 404, 'Package not found.\n');
        else proxy(req, res, pkg, request);
      },
      (err: unknown) => {
        deps.logger.error({ category: 'nuget', err: (err as Error).message }, 'package lookup failed');
        sendText(res, 503, 'Temporarily unavailable; try again in a moment.\n', { 'Retry-After': '5' });
      },
    );
  };
}
