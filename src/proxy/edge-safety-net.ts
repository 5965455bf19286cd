import type { Logger } from '../logger';
import { currentEdgeRequest } from '../lib/request-context';
import { failRequest } from './request-failure';

/**
 * The process-level last line behind the edge's own guards (edge.ts), installed by the
 * processes that serve the edge (bin/web.ts, bin/start.ts). A throw from a timer or event
 * callback, or a promise rejection nobody handled, that belongs to a public-edge request —
 * one not returned to the edge by mistake, or work it left running — answers that request
 * alone (error page, or a reset once headers are out), is logged once, and the process
 * carries on. Anything else keeps Node's default: log it and exit, since nothing says what
 * state it left behind.
 */
export function installEdgeSafetyNet(logger: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const handle = (kind: 'uncaughtException' | 'unhandledRejection') => (err: unknown) => {
    // The edge runs each request in its async context (lib/request-context.ts), which Node
    // carries into every timer, event and promise callback the request starts and hands to
    // these handlers, so an error escaping them is still that request's.
    const request = currentEdgeRequest();
    if (request) {
      failRequest(logger, request.route, request.req, request.res, err);
      return;
    }
    logger.fatal({ category: 'process', kind, err: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined }, 'uncaught error outside any request; exiting');
    exit(1);
  };
  process.on('uncaughtException', handle('uncaughtException'));
  process.on('unhandledRejection', handle('unhandledRejection'));
}
