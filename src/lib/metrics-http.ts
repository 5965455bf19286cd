import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from './metrics';
import { constantTimeEqual } from './secrets';
import { pathOf } from './url-path';

/**
 * GET /metrics in Prometheus text, for the web port and the worker's listener alike. It needs
 * `Authorization: Bearer <token>`; with no token configured it answers 404, so nothing is exposed
 * by default. `render` takes the readings (queues/metrics-readings.ts). The handler returns false
 * for any other request, for the caller to answer.
 */
export function metricsHandler(
  token: string | null,
  render: () => Promise<string>,
  onFailure: (err: Error) => void,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (pathOf(req.url ?? '/') !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
    if (!token) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return true;
    }
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    if (!constantTimeEqual(given, token)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' }).end('Unauthorized\n');
      return true;
    }
    render().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      (err: unknown) => {
        onFailure(err as Error);
        if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Metrics unavailable\n');
      },
    );
    return true;
  };
}
