import type { IncomingMessage, ServerResponse } from 'node:http';
import { Gauge, Registry } from 'prom-client';
import { rollupLagSeconds } from '../db/rollup-store';
import { metrics } from '../lib/metrics';
import { metricsHandler } from '../lib/metrics-http';
import type { Services } from '../services';
import { QUEUE_NAMES } from './registry';

/** A buffer of the web process: what it holds now and what it has dropped since start. */
export interface BufferReading {
  name: string;
  pending(): number;
  dropped(): number;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'] as const;

interface KnexPool { numUsed(): number; numFree(): number; numPendingAcquires(): number }

/**
 * The readings that need I/O (queue depths by state for every queue, the PostgreSQL pool, rollup
 * lag) and the web process's buffers, taken now into a registry of their own (so several servers
 * in one test process never register one name twice), followed by the process's instruments.
 */
export async function renderMetrics(services: Services, buffers: readonly BufferReading[]): Promise<string> {
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

/** GET /metrics of a process (lib/metrics-http.ts) with these readings, behind METRICS_TOKEN. */
export function serveMetrics(services: Services, buffers: readonly BufferReading[] = []): (req: IncomingMessage, res: ServerResponse) => boolean {
  return metricsHandler(
    services.config.metricsToken,
    () => renderMetrics(services, buffers),
    (err) => services.logger.warn({ category: 'metrics', err: err.message }, 'metrics scrape failed'),
  );
}
