import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiApp } from './api/app';
import type { Services } from './services';
import { reserveClickIds } from './db/click-ids';
import { ClickBuffer, DEFAULT_CLICK_BUFFER, type ClickBufferOptions } from './proxy/click-buffer';
import { ClickIdBlocks } from './proxy/click-ids';
import { createEdge } from './proxy/edge';
import { LinkCache } from './proxy/link-cache';
import { createRedirector } from './proxy/redirector';

export interface RunningWeb {
  server: Server;
  port: number;
  clicks: ClickBuffer;
  linkCache: LinkCache;
  clickIds: ClickIdBlocks;
  /** Stops accepting, lets in-flight requests finish, then queues every buffered click. */
  close(graceMs?: number): Promise<void>;
}

export interface WebOptions {
  port?: number;
  clickBuffer?: ClickBufferOptions;
}

export async function startWeb(services: Services, options: WebOptions = {}): Promise<RunningWeb> {
  const clicks = new ClickBuffer(
    async (batch) => {
      await services.queues.add('ingest-clicks', { events: batch.events }, { jobId: batch.id });
    },
    services.logger,
    options.clickBuffer ?? DEFAULT_CLICK_BUFFER,
  );
  const linkCache = LinkCache.forDatabase(services.db);
  const clickIds = new ClickIdBlocks((count) => reserveClickIds(services.db, count), services.logger);
  const redirect = createRedirector({ cache: linkCache, clicks, clickIds, trustedHops: services.config.trustProxyHops, logger: services.logger });
  const api = createApiApp(services);
  const server = createServer({ keepAliveTimeout: 5000 }, createEdge({ api, redirect }));

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
    linkCache,
    clickIds,
    async close(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      await closed;
      clearTimeout(force);
      await clicks.close();
    },
  };
}
