/**
 * How busy a web process's event loop was over the last interval, from 0 (idle) to 1 (never
 * waiting), as a supervised web process reports it to its parent (bin/lifecycle.ts reportWebLoad):
 * the cluster primary passes the busiest of its processes' readings on, and `npm start`'s
 * supervisor passes them to the worker process (workers/yield-to-web.ts).
 */
export interface WebLoadMessage {
  webLoad: number;
}

export const WEB_LOAD_INTERVAL_MS = 250;

export function isWebLoadMessage(message: unknown): message is WebLoadMessage {
  return typeof message === 'object' && message !== null && typeof (message as { webLoad?: unknown }).webLoad === 'number';
}
