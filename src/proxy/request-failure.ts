import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logger';
import { pathOf } from '../lib/url-path';
import { sendServerError } from './pages';

const failed = new WeakSet<ServerResponse>();

/**
 * The last word on a public-edge request whose handler threw (synchronously or in a promise
 * it returned): one log line, then an error page — or, when headers already went out and a
 * page can no longer be sent, a reset connection so the client sees a broken transfer rather
 * than a hang. A second failure of the same response is neither logged nor answered again.
 * Only the method and path are logged: the query may carry anything.
 */
export function failRequest(logger: Logger, route: string, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  if (failed.has(res)) return;
  failed.add(res);
  logger.error(
    { category: 'edge', route, method: req.method, path: pathOf(req.url ?? '/').slice(0, 200), err: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined },
    'edge request failed',
  );
  // Answered already (work the request left running failed later): the log line is all.
  if (res.writableEnded) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  try {
    sendServerError(res);
  } catch {
    res.destroy();
  }
}
