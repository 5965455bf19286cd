import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from './api/app';
import { packClicks, type InstallEvent, type InstallProgressMark } from './lib/edge-events';
import { closeLiveHub, openLiveHub } from './queues/live-feed';
import type { Services } from './services';
import { reserveClickIds } from './db/click-id-store';
import { ClickBuffer, DEFAULT_CLICK_BUFFER, type ClickBufferOptions } from './proxy/click-buffer';
import { BadgeCache } from './proxy/badge-cache';
import { createBadgeHandler } from './proxy/badges';
import { CardCache } from './proxy/card-cache';
import { createCardHandler } from './proxy/cards';
import { createSite } from './site/routes';
import { createDashboardHandler } from './proxy/dashboard';
import { ClickIdBlocks } from './proxy/click-ids';
import { createEdge } from './proxy/edge';
import { EdgeResponse } from './proxy/edge-response';
import { EVENT_OVERHEAD_BYTES, EventBuffer, type EventBufferOptions } from './proxy/event-buffer';
import { createGitProxy, DEFAULT_GIT_PROXY, type GitProxyOptions } from './proxy/git-proxy';
import { createNuGetProxy } from './proxy/nuget-proxy';
import { DEFAULT_INSTALL_TRACKING, InstallTracker, type InstallTrackerOptions } from './proxy/install-tracker';
import { LinkCache } from './proxy/link-cache';
import { subscribeLinkInvalidation } from './queues/link-invalidation';
import type { AttemptLimits } from './proxy/password-attempts';
import { createRedirector } from './proxy/redirector';
import { DomainCache, routedInvalidation } from './proxy/domain-cache';
import { createDomainVerificationHandler } from './proxy/domain-verification';
import { createRedis } from './redis';
import { serveMetrics } from './queues/metrics-readings';
import { sealEvents, sealPayload } from './queues/sealed-events';
import type { SignInLimits } from './domain/sign-in-throttle';

export interface RunningWeb {
  server: Server;
  port: number;
  clicks: ClickBuffer;
  installs: EventBuffer<InstallEvent>;
  /** Phases of named installs on their way to the advance-installs queue. */
  installProgress: EventBuffer<InstallProgressMark>;
  installTracker: InstallTracker;
  linkCache: LinkCache;
  clickIds: ClickIdBlocks;
  /** /readyz answers 503 from now on (close() calls it first; lifecycle may call it sooner). */
  beginShutdown(): void;
  /** Stops accepting, lets in-flight requests finish, then queues every buffered click. */
  close(graceMs?: number): Promise<void>;
}

export interface WebOptions {
  port?: number;
  clickBuffer?: ClickBufferOptions;
  installBuffer?: EventBufferOptions;
  gitProxy?: GitProxyOptions;
  installTracking?: InstallTrackerOptions;
  /** Link cache freshness; invalidations over Redis make changes show sooner (default 1 s). */
  linkCacheTtlMs?: number;
  passwordAttempts?: AttemptLimits;
  signInLimits?: SignInLimits;
  /** How long a rendered page for people stays cached in this process (default 60 s; tests that change the data between requests use 0). */
  sitePageTtlMs?: number;
}

/** 16 MiB: about 60,000 install events of an ordinary git client, fewer with long user agents. */
export const DEFAULT_INSTALL_BUFFER: EventBufferOptions = { maxBatch: 200, flushMs: 50, capacity: 100_000, maxBytes: 16 * 1024 * 1024, retryMs: 1000, sendTimeoutMs: 5000 };

function installBytes(event: InstallEvent): number {
  return EVENT_OVERHEAD_BYTES + event.ip.length + event.userAgent.length + event.sessionId.length + (event.subpath?.length ?? 0) + (event.installId?.length ?? 0);
}

function markBytes(mark: InstallProgressMark): number {
  return EVENT_OVERHEAD_BYTES + mark.installId.length + mark.phase.length;
}

export async function startWeb(services: Services, options: WebOptions = {}): Promise<RunningWeb> {
  const clicks = new ClickBuffer(
    async (batch) => {
      await services.queues.add('ingest-clicks', { sealed: sealPayload(services.config.appSecret, packClicks(batch.events)) }, { jobId: batch.id });
    },
    services.logger,
    options.clickBuffer ?? DEFAULT_CLICK_BUFFER,
  );
  const linkCache = LinkCache.forDatabase(services.db, services.logger, options.linkCacheTtlMs);
  const clickIds = new ClickIdBlocks((count) => reserveClickIds(services.db, count), services.logger);
  const domainCache = DomainCache.forDatabase(services.db, services.logger, options.linkCacheTtlMs);
  const invalidations = subscribeLinkInvalidation(createRedis(services.config, 'subscriber'), services.config, routedInvalidation(linkCache, domainCache), services.logger);
  const redirector = createRedirector({
    cache: linkCache, clicks, trustedHops: services.config.trustProxyHops, logger: services.logger,
    config: services.config, redis: services.redis, passwordAttempts: options.passwordAttempts, clickIds, domains: domainCache,
  });
  const installs = new EventBuffer<InstallEvent>(
    async (batch) => {
      await services.queues.add('ingest-installs', { sealed: sealEvents(services.config.appSecret, batch.events) }, { jobId: batch.id });
    },
    services.logger,
    options.installBuffer ?? DEFAULT_INSTALL_BUFFER,
    'installs',
    installBytes,
  );
  // Marks are small and the client polls for them: sent sooner than install events.
  const installProgress = new EventBuffer<InstallProgressMark>(
    async (batch) => {
      await services.queues.add('advance-installs', { marks: batch.events }, { jobId: batch.id });
    },
    services.logger,
    { ...(options.installBuffer ?? DEFAULT_INSTALL_BUFFER), flushMs: 20 },
    'install progress',
    markBytes,
  );
  const tracker = new InstallTracker(services.redis, installs, installProgress, services.config, services.logger, options.installTracking ?? DEFAULT_INSTALL_TRACKING);
  const git = createGitProxy({ db: services.db, config: services.config, tracker, logger: services.logger, options: options.gitProxy ?? DEFAULT_GIT_PROXY });
  const nuget = createNuGetProxy({ db: services.db, config: services.config, tracker, logger: services.logger, options: options.gitProxy ?? DEFAULT_GIT_PROXY });
  openLiveHub(services, () => createRedis(services.config, 'subscriber'));
  let stopping = false;
  const api = createApiApp(services, { signInLimits: options.signInLimits, isStopping: () => stopping });
  const badge = createBadgeHandler({ cache: BadgeCache.forDatabase(services.db, services.logger), logger: services.logger });
  const card = createCardHandler(CardCache.forDatabase(services.db, services.logger), services);
  const edge = createEdge({
    api, redirect: redirector.redirect, root: redirector.root, badge, card, site: createSite(services, options.sitePageTtlMs), git, nuget, dashboard: createDashboardHandler(),
    ...(services.config.appSecret ? { domainVerification: createDomainVerificationHandler(services.config.appSecret) } : {}),
  }, services.logger);
  const metricsRoute = serveMetrics(services, [
    { name: 'clicks', pending: () => clicks.pending, dropped: () => clicks.dropped },
    { name: 'installs', pending: () => installs.pending, dropped: () => installs.dropped },
    { name: 'install_progress', pending: () => installProgress.pending, dropped: () => installProgress.dropped },
  ]);
  const server = createServer({ keepAliveTimeout: 5000, ServerResponse: EdgeResponse }, (req, res) => {
    if (!metricsRoute(req, res)) edge(req, res);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? services.config.port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  services.logger.info({ category: 'web', port }, 'web listening');

  return {
    server,
    port,
    clicks,
    installs,
    installProgress,
    installTracker: tracker,
    linkCache,
    clickIds,
    beginShutdown() {
      stopping = true;
    },
    async close(graceMs = 10_000) {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      closeLiveHub(services);
      await closed;
      clearTimeout(force);
      await tracker.settle();
      await invalidations.close();
      await Promise.all([clicks.close(), installs.close(), installProgress.close()]);
    },
  };
}
