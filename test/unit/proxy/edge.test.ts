import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createEdge, type EdgeHandler } from '../../../src/proxy/edge';
import { getOrReset } from '../../helpers/http';

const get = (base: string, path: string) => getOrReset(`${base}${path}`);

describe('The public edge under a failing handler', () => {
  let server: Server;
  let base: string;
  let logged: Array<{ msg: string; route: string; path: string; err: string }>;
  let redirect: (res: ServerResponse) => ReturnType<EdgeHandler>;

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logged.push(JSON.parse(line));
        done();
      },
    });
    const logger = pino({ level: 'error' }, sink);
    const ok: EdgeHandler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('api ok');
    };
    server = createServer(createEdge({ api: ok, redirect: (_req, res) => redirect(res) }, logger));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    logged = [];
  });

  async function assertOneLogLine(path: string, err: RegExp): Promise<void> {
    // pino writes asynchronously through the stream: wait for the line rather than sleep.
    for (let i = 0; i < 100 && logged.length === 0; i++) await new Promise((r) => setImmediate(r));
    assert.equal(logged.length, 1, JSON.stringify(logged));
    assert.equal(logged[0]?.msg, 'edge request failed');
    assert.equal(logged[0]?.route, 'redirect');
    assert.equal(logged[0]?.path, path);
    assert.match(logged[0]?.err ?? '', err);
  }

  const cases: Array<[string, (res: ServerResponse) => ReturnType<EdgeHandler>]> = [
    ['throws synchronously', () => {
      throw new Error('sync boom');
    }],
    ['throws inside a promise callback it returns', () => Promise.resolve().then(() => {
      throw new Error('async boom');
    })],
    // What took the process down in issue 10: a raw international destination as Location.
    ['passes a non-ASCII Location to writeHead inside a promise callback', (res) => Promise.resolve().then(() => {
      res.writeHead(302, { Location: 'https://例え.jp/' });
      res.end();
    })],
  ];
  for (const [what, handler] of cases) {
    it(`answers the error page, logs once and keeps serving when a handler ${what}`, async () => {
      redirect = handler;
      const res = await get(base, '/boom?secret=1');
      assert.ok('status' in res);
      assert.equal(res.status, 500);
      assert.match(res.body, /Something went wrong/);
      await assertOneLogLine('/boom', /boom|Invalid character/);
      assert.deepEqual(await get(base, '/api/v1/health'), { status: 200, body: 'api ok' }, 'other requests carry on');
    });
  }

  it('resets the connection when the handler fails after the headers went out', async () => {
    const late: EdgeHandler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' });
      res.write('partial');
      return Promise.reject(new Error('late boom'));
    };
    const local = createServer(createEdge({ api: late, redirect: () => undefined }, pino({ level: 'silent' })));
    await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
    try {
      const res = await get(`http://127.0.0.1:${(local.address() as AddressInfo).port}`, '/api/v1/x/y');
      assert.deepEqual(res, { reset: true });
    } finally {
      await new Promise<void>((resolve) => local.close(() => resolve()));
    }
    assert.deepEqual(await get(base, '/api/v1/health'), { status: 200, body: 'api ok' });
  });
});
