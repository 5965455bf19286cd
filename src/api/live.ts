import { liveHubFor } from '../queues/live-feed';
import type { ApiRouter } from './route';

const HEARTBEAT_MS = 15_000;

/** GET /api/v1/live: the caller's new clicks and installs as server-sent events (src/live/live-feed.ts). */
export function registerLiveRoutes(api: ApiRouter): void {
  api.add({
    method: 'get',
    path: '/api/v1/live',
    tag: 'Analytics',
    summary: 'Server-sent events: each new click on your links ("click") and clone of your packages ("install"), within about a second of being stored',
    auth: 'analytics:read',
    responses: {
      200: { description: 'An event stream; each event\'s data is one JSON object', contentType: 'text/event-stream' },
    },
    handler: async ({ req, res, auth, services }) => {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        // Proxies such as nginx buffer responses unless told not to.
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n: connected\n\n');
      const stop = liveHubFor(services).listen(auth.user.id, {
        send: (event) => res.write(`event: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`),
        end: () => res.end(),
      });
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
      clearInterval(heartbeat);
      stop();
    },
  });
}
