import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveMetrics } from '../queues/metrics-readings';
import type { Services } from '../services';

/**
 * The worker's own metrics listener (METRICS_PORT): GET /metrics and nothing else. A worker has
 * no web port (Heroku routes none to it), so a scraper reaches it here.
 */
export async function startMetricsListener(services: Services, port: number): Promise<{ server: Server; port: number }> {
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
