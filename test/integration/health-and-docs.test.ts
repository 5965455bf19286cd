import assert from 'node:assert/strict';
import { createAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

describe('Health checks and the OpenAPI document', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  it('answers /healthz while the process lives', async () => {
    const res = await request(stack.url('/healthz'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'ok' });
  });

  it('answers /readyz 200 with PostgreSQL and Redis reachable', async () => {
    const res = await request(stack.url('/readyz'));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.checks, { postgres: 'ok', redis: 'ok' });
  });

  it('answers /readyz 503 when PostgreSQL is unreachable', async () => {
    const broken = await startStack({ env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nothing' } });
    try {
      const res = await request(broken.url('/readyz'));
      assert.equal(res.status, 503);
      assert.equal(res.body.checks.postgres, 'unavailable');
      assert.equal(res.body.checks.redis, 'ok');
    } finally {
      await broken.stop();
    }
  });

  it('answers /readyz 503 from the moment shutdown starts', async () => {
    const stopping = await startStack();
    try {
      stopping.web.beginShutdown();
      const res = await request(stopping.url('/readyz'));
      assert.equal(res.status, 503);
      assert.equal(res.body.status, 'stopping');
    } finally {
      await stopping.stop();
    }
  });

  it('returns a well-formed X-Request-Id as sent, on the API and on the public edge', async () => {
    for (const path of ['/api/v1/account', '/healthz', '/no-such-code', '/badge/nothing.svg']) {
      const res = await fetch(stack.url(path), { headers: { 'X-Request-Id': 'trace-42.a:b_c' } });
      assert.equal(res.headers.get('x-request-id'), 'trace-42.a:b_c', path);
    }
  });

  it('puts X-Request-Id on every answer of a short link: the redirect, HEAD, a password form, the 404', async () => {
    const account = await createAccount(stack.services);
    const create = (link: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/landing', ...link }, ...extra } });
    const plain = (await create({})).body.link.short_code as string;
    const locked = (await create({}, { password: 'open sesame' })).body.link.short_code as string;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const answers: Array<[string, number, string]> = [[plain, 302, 'GET'], [plain, 302, 'HEAD'], [locked, 200, 'GET'], ['no-such-code', 404, 'GET']];
    for (const [code, status, method] of answers) {
      const sent = await fetch(stack.url(`/${code}`), { method, redirect: 'manual', headers: { 'X-Request-Id': 'trace-7' } });
      assert.equal(sent.status, status, `${method} /${code}`);
      assert.equal(sent.headers.get('x-request-id'), 'trace-7', `${method} /${code}`);
      const fresh = await fetch(stack.url(`/${code}`), { method, redirect: 'manual' });
      assert.match(fresh.headers.get('x-request-id') ?? '', uuid, `${method} /${code}`);
    }
    // Two answers, two ids.
    const [a, b] = await Promise.all([1, 2].map(() => fetch(stack.url(`/${plain}`), { redirect: 'manual' })));
    assert.notEqual(a?.headers.get('x-request-id'), b?.headers.get('x-request-id'));
  });

  it('replaces a missing or malformed X-Request-Id with a generated one', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const bare = await fetch(stack.url('/api/v1/account'));
    assert.match(bare.headers.get('x-request-id') ?? '', uuid);
    const bad = await fetch(stack.url('/no-such-code'), { headers: { 'X-Request-Id': 'spaces and <tags>' } });
    assert.match(bad.headers.get('x-request-id') ?? '', uuid);
    const long = await fetch(stack.url('/healthz'), { headers: { 'X-Request-Id': 'a'.repeat(129) } });
    assert.match(long.headers.get('x-request-id') ?? '', uuid);
  });

  it('serves the API reference at /docs with its renderer from this host, not a CDN', async () => {
    const page = await fetch(stack.url('/docs'));
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /data-url="\/api\/v1\/openapi.json"/);
    assert.doesNotMatch(html, /https?:\/\//);
    const bundle = await fetch(stack.url('/docs/scalar.js'));
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    assert.ok((await bundle.arrayBuffer()).byteLength > 100_000);
  });

  it('exposes no /metrics while METRICS_TOKEN is unset', async () => {
    assert.equal((await fetch(stack.url('/metrics'))).status, 404);
  });

  it('publishes an OpenAPI 3.1 document of every declared route, without authentication', async () => {
    const res = await request(stack.url('/api/v1/openapi.json'));
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const post = res.body.paths['/api/v1/links'].post;
    assert.equal(post['x-required-scope'], 'links:write');
    assert.ok(post.requestBody.content['application/json'].schema.properties.link);
    assert.ok(res.body.paths['/api/v1/links/{id}'].get.parameters.some((p: { name: string; in: string }) => p.name === 'id' && p.in === 'path'));
    assert.ok(res.body.paths['/api/v1/tokens/revoke'].delete);
  });
});
