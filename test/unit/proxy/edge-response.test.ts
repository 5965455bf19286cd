import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EdgeResponse } from '../../../src/proxy/edge-response';

/** Each path writes its head another way; the raw headers say what reached the wire. */
const WRITERS: Record<string, (res: EdgeResponse) => void> = {
  '/object': (res) => res.writeHead(302, { Location: 'https://example.com/', 'Content-Length': '0' }).end(),
  '/reason-and-object': (res) => res.writeHead(404, 'Nothing Here', { 'Content-Length': '0' }).end(),
  '/array': (res) => res.writeHead(302, ['Location', 'https://example.com/', 'Content-Length', '0']).end(),
  '/after-set-header': (res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  },
  '/implicit': (res) => {
    res.statusCode = 204;
    res.end();
  },
  '/own-id': (res) => res.writeHead(200, { 'x-request-ID': 'chosen-by-route' }).end(),
};

describe('EdgeResponse: the request id written with the head', () => {
  let server: Server;
  let port: number;
  let id: string;
  before(async () => {
    server = createServer({ ServerResponse: EdgeResponse }, (req, res) => {
      if (req.url !== '/unset') res.requestId = id;
      (WRITERS[req.url ?? ''] ?? ((r: EdgeResponse) => r.writeHead(200).end()))(res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(path: string): Promise<{ status: number; reason: string; headers: IncomingHttpHeaders; raw: string[] }> {
    return new Promise((resolve, reject) => {
      request({ port, path, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? '', headers: res.headers, raw: res.rawHeaders }));
      }).on('error', reject).end();
    });
  }
  const idsIn = (raw: string[]) => raw.filter((_, i) => i % 2 === 0 && raw[i]?.toLowerCase() === 'x-request-id').length;

  for (const path of ['/object', '/reason-and-object', '/array', '/after-set-header', '/implicit']) {
    it(`adds exactly one X-Request-Id, and keeps the route's own headers (${path})`, async () => {
      id = `req-${path.slice(1)}`;
      const res = await get(path);
      assert.equal(res.headers['x-request-id'], id);
      assert.equal(idsIn(res.raw), 1);
      if (path === '/object' || path === '/array') assert.equal(res.headers.location, 'https://example.com/');
      if (path === '/reason-and-object') assert.deepEqual([res.status, res.reason], [404, 'Nothing Here']);
      if (path === '/after-set-header') assert.deepEqual([res.headers['cache-control'], res.headers['content-type']], ['no-store', 'text/plain']);
      if (path === '/implicit') assert.equal(res.status, 204);
    });
  }

  it("leaves a route's own X-Request-Id alone, however it spells the name", async () => {
    id = 'from-the-edge';
    const res = await get('/own-id');
    assert.equal(res.headers['x-request-id'], 'chosen-by-route');
    assert.equal(idsIn(res.raw), 1);
  });

  it('adds nothing to a response given no id (the edge set it with setHeader instead)', async () => {
    const res = await get('/unset');
    assert.equal(res.headers['x-request-id'], undefined);
  });
});
