import { performance } from 'node:perf_hooks';

/**
 * How busy a web process's event loop was over the last interval, from 0 (idle) to 1 (never
 * waiting), as a supervised web process reports it to its parent: the cluster primary passes the
 * busiest of its processes' readings on, and `npm start`'s supervisor passes them to the worker
 * process (workers/yield-to-web.ts).
 */
export interface WebLoadMessage {
  webLoad: number;
}

export const WEB_LOAD_INTERVAL_MS = 250;

export function isWebLoadMessage(message: unknown): message is WebLoadMessage {
  return typeof message === 'object' && message !== null && typeof (message as { webLoad?: unknown }).webLoad === 'number';
}

/** Sends this process's event-loop utilisation to its parent every interval, while there is one (an IPC channel). */
export function reportWebLoad(): void {
  if (!process.send) return; // a dyno: no supervisor, no worker on this machine to step aside
  let last = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    if (process.connected) process.send?.({ webLoad: utilization } satisfies WebLoadMessage);
  }, WEB_LOAD_INTERVAL_MS).unref();
}
