import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A web process whose Redis is "away": start it with REDIS_URL on a free port nobody answers, then
 * open this forwarder to the real Redis on that port when Redis should come back (and before the
 * stack stops, so its connections close cleanly).
 */
const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

export function forwardToRedis(port: number): Promise<{ server: Server; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(REDIS.port || 6379), REDIS.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(port, '127.0.0.1', () =>
      resolve({
        server,
        close: () => {
          for (const s of sockets) s.destroy();
          return new Promise<void>((done) => server.close(() => done()));
        },
      }),
    ),
  );
}
