import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test receiver got: headers, the exact raw body, when it arrived. */
export interface Received {
  headers: IncomingHttpHeaders;
  rawBody: string;
  at: number;
  path: string;
}

/** What the receiver does with the n-th request (0-based): a status, or hang until closed. */
export type Reply = { status: number; headers?: Record<string, string> } | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  reply: (n: number, req: Received) => Reply | Promise<Reply>;
  close(): Promise<void>;
}

/** A real webhook receiver on 127.0.0.1 and an ephemeral port. */
export async function startReceiver(reply: Receiver['reply'] = () => ({ status: 200 })): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  let inFlight = 0;
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    maxInFlight: 0,
    reply,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    inFlight++;
    receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const got: Received = { headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8'), at: Date.now(), path: req.url ?? '/' };
      const n = receiver.received.push(got) - 1;
      const answer = await receiver.reply(n, got);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, answer.headers).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hooks`;
  return receiver;
}
