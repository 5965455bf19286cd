import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger';
import { reportReady } from './lifecycle';
import { isWebLoadMessage, type WebLoadMessage } from '../lib/web-load';

const RESTART_DELAY_MS = 1000;

/**
 * The primary of WEB_CONCURRENCY web processes sharing one port (node's cluster: the primary
 * accepts and hands connections round-robin). A process that dies is replaced after a pause;
 * SIGTERM/SIGINT are passed on and the primary exits once every process has stopped. The
 * primary holds no connections of its own.
 */
export function runWebCluster(count: number, logger: Logger): void {
  let stopping = false;
  const fork = (): Worker => cluster.fork();
  for (let i = 0; i < count; i++) fork();
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    listening++;
    if (listening === count) reportReady({ ready: 'web', port: address.port, processes: count });
  });
  // Each process's latest load reading; the busiest is passed on, as a process saturated alone slows its share of redirects.
  const loads = new Map<number, number>();
  cluster.on('message', (worker, message) => {
    if (!isWebLoadMessage(message)) return;
    loads.set(worker.id, message.webLoad);
    if (process.connected) process.send?.({ webLoad: Math.max(...loads.values()) } satisfies WebLoadMessage);
  });
  cluster.on('exit', (worker, code, signal) => {
    loads.delete(worker.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error({ category: 'process', pid: worker.process.pid, code, signal }, 'web process exited; starting another');
    setTimeout(fork, RESTART_DELAY_MS).unref();
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping && signal === 'SIGTERM') return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(0);
    for (const worker of workers) worker?.process.kill(signal);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  logger.info({ category: 'web', processes: count }, 'web cluster started');
}
