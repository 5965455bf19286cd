import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import { findPackageBySlug, type ProxiedPackage } from '../db/package-store';
import type { InstallEventType } from '../lib/edge-events';
import type { Logger } from '../logger';
import { SLUG_PATTERN } from '../domain/packages';
import { clientIp } from '../lib/client-ip';
import { upstreamRepoUrl } from '../lib/git-url';
import { forward, type ForwardOptions } from './forward';
import { parseGitPath, type GitAction, type GitRequest } from './git-paths';
import type { InstallSighting, InstallTracker } from './install-tracker';
import { sendText } from './plain-text';
import { inspectUploadPack, PackAnswerReader, type UploadPackKind } from './upload-pack-request';

export type GitProxyOptions = ForwardOptions;

export const DEFAULT_GIT_PROXY: GitProxyOptions = { headersTimeoutMs: 60_000, idleTimeoutMs: 120_000 };

export interface GitProxyDeps {
  db: Db;
  config: Pick<Config, 'gitUpstreams' | 'trustProxyHops'>;
  tracker: InstallTracker;
  logger: Logger;
  options?: GitProxyOptions;
}

type ProxiedAction = Exclude<GitAction, 'receive-pack'>;

const EVENT_OF: Record<ProxiedAction, InstallEventType> = {
  'info-refs': 'clone_start',
  'upload-pack': 'fetch_objects',
  'lfs-batch': 'lfs',
};

/** A v2 ls-refs POST is ref discovery, like info/refs: logged as clone_start, never an install. */
function eventOf(action: ProxiedAction, kind: UploadPackKind | undefined): InstallEventType {
  return kind === 'ls-refs' ? 'clone_start' : EVENT_OF[action];
}

/** An upstream answer that ends the install: not found, refused, broken. A 401 is a challenge git answers with credentials. */
function fatal(status: number): boolean {
  return status >= 400 && status !== 401;
}

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

  /**
   * Streams the request upstream and records it. Ref discovery (info/refs, v2 ls-refs) moves a
   * named install to resolving; an upload-pack that ends negotiation with `done` moves it to
   * downloading, and once its answer is sent in full it is an install (delivered) and complete.
   * Upload-pack events are minted when the answer ends, since only then is delivery known.
   */
  function proxy(req: IncomingMessage, res: ServerResponse, pkg: ProxiedPackage, git: GitRequest & { action: ProxiedAction }): void {
    const { action, installId } = git;
    const target = new URL(`${upstreamRepoUrl(deps.config.gitUpstreams, pkg)}${git.rest}`);
    if (action === 'info-refs') target.searchParams.set('service', 'git-upload-pack');
    const at = Date.now();
    // Read now: once the client is gone its socket no longer knows its address.
    const ip = clientIp(req, deps.config.trustProxyHops);
    const sighting = (type: InstallEventType, delivered: boolean): InstallSighting => ({
      packageId: pkg.id,
      subpath: pkg.git_path,
      type,
      at,
      ip,
      userAgent: req.headers['user-agent'] ?? '',
      delivered,
      installId,
    });
    const advance = (phase: 'resolving' | 'downloading' | 'complete' | 'failed') => {
      if (installId) deps.tracker.advance({ installId, packageId: pkg.id, phase, at: Date.now() });
    };
    const inspected = action === 'upload-pack' ? inspectUploadPack(req, req.headers['content-encoding']) : undefined;
    // A v2 negotiation round the server is ready on is answered with the pack at once.
    const answerHead = inspected ? new PackAnswerReader() : undefined;
    const release = inspected ? deps.tracker.awaitAnswer() : () => undefined;
    const packed = (kind: UploadPackKind) => kind === 'pack' || (kind === 'negotiation' && answerHead?.hasPack === true);
    const started = process.hrtime.bigint();
    let answered = 0;
    res.on('close', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
      deps.logger.info({ category: 'git', slug: pkg.slug, action, status: res.statusCode, complete: res.writableFinished, ms }, 'git request');
      if (!inspected || answered === 0 || answered >= 400) {
        release();
        return;
      }
      const sent = res.writableFinished;
      void inspected.then((kind) => {
        const pack = packed(kind);
        deps.tracker.record(sighting(eventOf(action, kind), pack && sent));
        release();
        if (pack) advance(sent ? 'complete' : 'failed');
      });
    });
    let downloading = false;
    const toDownloading = () => {
      if (downloading) return;
      downloading = true;
      advance('downloading');
    };
    forward(req, res, target, upstreamHeaders(req), options, {
      onAnswerData: answerHead
        ? (chunk) => {
            answerHead.feed(chunk);
            if (answerHead.hasPack) toDownloading();
            return answerHead.done;
          }
        : undefined,
      onResponse: (status, headers) => {
        answered = status;
        // A compressed answer cannot be read in passing: only `done` decides then.
        if (headers['content-encoding']) answerHead?.abandon();
        if (fatal(status)) advance('failed');
        // Only answered requests are events: a 401 challenge or an upstream 404 is not.
        if (status >= 400) return;
        if (action === 'info-refs') advance('resolving');
        if (!inspected) {
          deps.tracker.record(sighting(EVENT_OF[action], false));
          return;
        }
        void inspected.then((kind) => {
          if (kind === 'ls-refs') advance('resolving');
          else if (kind === 'pack') toDownloading();
        });
      },
      onFailure: (status, reason) => {
        advance('failed');
        deps.logger.warn({ category: 'git', slug: pkg.slug, action, status, reason }, 'upstream failed');
      },
    });
  }

  return function gitProxy(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    const url = req.url ?? '/';
    const parsed = parseGitPath(url);
    if (!parsed || !parsed.action) {
      sendText(res, 404, NOT_FOUND);
      return;
    }
    const { action, slug } = parsed;
    if (action === 'receive-pack' || (action === 'info-refs' && parsed.service === 'git-receive-pack')) {
      sendText(res, 403, 'Pushing is not supported through this URL: it is a read-only install link. Push to the repository itself.\n');
      return;
    }
    if (action === 'info-refs') {
      if (!allowed(req, res, ['GET', 'HEAD'])) return;
      if (parsed.service !== 'git-upload-pack') {
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
        else proxy(req, res, pkg, { ...parsed, action });
      },
      (err: unknown) => {
        deps.logger.error({ category: 'git', err: (err as Error).message }, 'package lookup failed');
        sendText(res, 503, 'Temporarily unavailable; try again in a moment.\n', { 'Retry-After': '5' });
      },
    );
  };
}
