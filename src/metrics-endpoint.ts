import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Gauge, Registry } from 'prom-client';
import { rollupLagSeconds } from './db/rollup-store';
import { constantTimeEqual } from './lib/secrets';
import { metrics } from './lib/metrics';
import { QUEUE_NAMES } from './queues/registry';
import type { Services } from './services';

/** A buffer of the web process: what it holds now and what it has dropped since start. */
export interface BufferReading {
  name: string;
  pending(): number;
  dropped(): number;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

interface KnexPool { numUsed(): number; numFree(): number; numPendingAcquires(): number }

/**
 * The readings that need I/O, taken now into a registry of their own (so several servers in one
 * test process never register one name twice), followed by the process's instruments.
 */
async function render(services: Services, buffers: readonly BufferReading[]): Promise<string> {
  const now = new Registry();
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name, help, labelNames, registers: [now] });

  const depth = gauge('linktally_queue_jobs', 'Jobs in each queue by state', ['queue', 'state']);
  await Promise.all(QUEUE_NAMES.map(async (queue) => {
    const counts = await services.queues.queue(queue).getJobCounts(...JOB_STATES);
    for (const state of JOB_STATES) depth.set({ queue, state }, counts[state] ?? 0);
  }));

  const pool = (services.db.client as { pool?: KnexPool }).pool;
  const connections = gauge('linktally_pg_pool_connections', 'PostgreSQL pool connections by state', ['state']);
  connections.set({ state: 'used' }, pool?.numUsed() ?? 0);
  connections.set({ state: 'free' }, pool?.numFree() ?? 0);
  connections.set({ state: 'pending_acquires' }, pool?.numPendingAcquires() ?? 0);
  gauge('linktally_pg_pool_max', 'PostgreSQL pool size limit').set(services.config.databasePoolMax);

  gauge('linktally_rollup_lag_seconds', 'How long the oldest due click rollup has waited').set(await rollupLagSeconds(services.db));

  if (buffers.length > 0) {
    const held = gauge('linktally_buffer_pending_events', 'Edge events held in memory, not yet queued', ['buffer']);
    const dropped = gauge('linktally_buffer_dropped_events', 'Edge events dropped since start because the buffer was full', ['buffer']);
    for (const b of buffers) {
      held.set({ buffer: b.name }, b.pending());
      dropped.set({ buffer: b.name }, b.dropped());
    }
  }
  return `${await metrics.metrics()}\n${await now.metrics()}`;
}

/**
 * GET /metrics in Prometheus text. It needs `Authorization: Bearer $METRICS_TOKEN`; with no
 * token configured it answers 404, so nothing is exposed by default. Returns false for any other
 * path, for the caller to answer.
 */
export function serveMetrics(services: Services, buffers: readonly BufferReading[] = []): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if ((req.url ?? '').split('?')[0] !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    const token = services.config.metricsToken;
    if (!token) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return true;
    }
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!constantTimeEqual(given, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' }).end('Unauthorized\n');
      return true;
    }
    render(services, buffers).then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (err: unknown) => {
        services.logger.warn({ category: 'metrics', err: (err as Error).message }, 'metrics scrape failed');
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics unavailable\n');
      },
    );
    return true;
  };
}

/** The worker's own listener: GET /metrics and nothing else. */
export async function startMetricsServer(services: Services, port: number): Promise<{ server: Server; port: number }> {
  const handle = serveMetrics(services);
  const server = createServer((req, res) => {
    if (!handle(req, res)) res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => { server.off('error', reject); resolve(); });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
