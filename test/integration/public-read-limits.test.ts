import assert from 'node:assert/strict';
import { freePort } from '../helpers/ports';
import { seedPublicPackage } from '../helpers/public-packages';
import { forwardToRedis } from '../helpers/redis-forwarder';
import { startStack, type Stack } from '../helpers/stack';
import { useStack } from '../helpers/use-stack';

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

async function get(url: string, from: string): Promise<Answer> {
  const res = await fetch(url, { headers: { 'x-forwarded-for': from, 'user-agent': 'pkglnk-unity/0.1' } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/**
 * Asks until refused, counting the answers before the refusal. Allowances are per clock minute,
 * so a run that crosses a minute's end may see up to twice the limit first; never fewer.
 */
async function untilRefused(ask: () => Promise<Answer>, limit: number): Promise<{ allowed: Answer[]; refused: Answer }> {
  const allowed: Answer[] = [];
  for (let i = 0; i <= 2 * limit; i++) {
    const answer = await ask();
    if (answer.status === 429) return { allowed, refused: answer };
    allowed.push(answer);
  }
  assert.fail(`no 429 after ${2 * limit + 1} requests`);
}

const API_LIMIT = 4;
const PAGE_LIMIT = 3;
const CARD_LIMIT = 2;

describe('per-address limits on the public, unauthenticated reads', () => {
  // One trusted proxy hop, so the test speaks for several visitors through X-Forwarded-For.
  const { stack } = useStack({
    web: { sitePageTtlMs: 0 },
    env: { TRUST_PROXY: '1', PUBLIC_API_PER_MINUTE: String(API_LIMIT), PUBLIC_PAGES_PER_MINUTE: String(PAGE_LIMIT), CARD_RENDERS_PER_MINUTE: String(CARD_LIMIT) },
  });

  it('refuses an address past its allowance of API reads with 429 in the pkglnk envelope and the rate-limit headers; other addresses read on', async () => {
    await seedPublicPackage(stack.services, { slug: 'alpha-tool' });
    // Every public read shares the one allowance.
    const paths = ['/api/directory?page=1&limit=40', '/api/collections?offset=0&limit=20', '/api/check-availability?slug=free-one&type=collection', '/api/collections/none-such'];
    let i = 0;
    const { allowed, refused } = await untilRefused(() => get(stack.url(paths[i++ % paths.length] as string), '203.0.113.7'), API_LIMIT);
    assert.ok(allowed.length >= API_LIMIT, `${allowed.length} allowed before the refusal`);
    assert.deepEqual(allowed.slice(0, 4).map((a) => a.status), [200, 200, 200, 404]);
    assert.equal(allowed[0]?.headers.get('x-ratelimit-limit'), String(API_LIMIT));
    assert.equal(allowed[0]?.headers.get('x-ratelimit-remaining'), String(API_LIMIT - 1));
    assert.ok(Number(allowed[0]?.headers.get('x-ratelimit-reset')) > Date.now() / 1000);

    assert.equal(refused.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(JSON.parse(refused.text), { error: { code: 'rate_limited', message: `Rate limit exceeded: ${API_LIMIT} requests per minute from one address` } });
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);

    const other = await get(stack.url('/api/directory?page=1&limit=40'), '203.0.113.8');
    assert.equal(other.status, 200, 'another address is not limited');
    assert.equal(JSON.parse(other.text).packages[0].slug, 'alpha-tool');
  });

  it('counts an IPv6 /64 as one address, and the neighbouring /64 apart', async () => {
    const { refused } = await untilRefused(() => get(stack.url('/api/directory'), '2001:db8:1:2::1'), API_LIMIT);
    assert.equal(refused.status, 429);
    assert.equal((await get(stack.url('/api/directory'), '2001:db8:1:2:ffff::9')).status, 429, 'another address of the same /64');
    assert.equal((await get(stack.url('/api/directory'), '2001:db8:1:3::1')).status, 200, 'the next /64');
  });

  it('keeps no raw address in Redis: the counters are named by a keyed hash', async () => {
    await get(stack.url('/api/directory'), '198.51.100.23');
    const keys = await stack.services.redis.keys(`${stack.services.config.redisPrefix}:addrlimit:*`);
    assert.ok(keys.length > 0);
    for (const key of keys) assert.ok(!key.includes('198.51.100.23') && !key.includes('198.51.100'), key);
  });

  it('answers the pages for people past their allowance with a small 429 page and Retry-After; other addresses read on', async () => {
    await seedPublicPackage(stack.services, { slug: 'alpha-tool' });
    const paths = ['/directory', '/pkg/alpha-tool', '/u/nobody-here', '/collections/none-such'];
    let i = 0;
    const { allowed, refused } = await untilRefused(() => get(stack.url(paths[i++ % paths.length] as string), '203.0.113.7'), PAGE_LIMIT);
    assert.ok(allowed.length >= PAGE_LIMIT);
    assert.deepEqual(allowed.slice(0, 3).map((a) => a.status), [200, 200, 404]);
    assert.equal(allowed[0]?.headers.get('x-ratelimit-limit'), String(PAGE_LIMIT));

    assert.equal(refused.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(refused.headers.get('cache-control'), 'no-store');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
    assert.match(refused.text, /<h1>Too many requests<\/h1>/);
    assert.match(refused.text, /<meta name="robots" content="noindex/);

    assert.equal((await get(stack.url('/directory'), '203.0.113.8')).status, 200, 'another address is not limited');
  });

  it('counts only the card renders an address causes: a cached card is answered whatever the count', async () => {
    await seedPublicPackage(stack.services, { slug: 'alpha-tool' });
    const first = await get(stack.url('/card/alpha-tool.svg'), '203.0.113.7');
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-limit'), String(CARD_LIMIT));
    // Unknown slugs are rendered (as the neutral card) and cached too: each first one counts.
    const { refused } = await untilRefused(async () => get(stack.url(`/card/unknown-${Math.random().toString(36).slice(2)}.svg`), '203.0.113.7'), CARD_LIMIT);
    assert.equal(refused.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.match(refused.text, /^Rate limit exceeded/);

    const cached = await get(stack.url('/card/alpha-tool.svg'), '203.0.113.7');
    assert.equal(cached.status, 200, 'the cached card is served past the limit');
    assert.equal(cached.headers.get('x-ratelimit-limit'), null, 'and is not counted');
    assert.equal((await get(stack.url('/card/beta-tool.png'), '203.0.113.8')).status, 404, 'another address renders');
  });
});

describe('the public reads while Redis is unreachable', () => {
  // A web process whose Redis is a port nobody answers on (until the forwarder opens there to stop it cleanly).
  let stack: Stack;
  let port: number;
  before(async () => {
    port = await freePort();
    stack = await startStack({
      waitForRedis: false,
      web: { sitePageTtlMs: 0 },
      env: { REDIS_URL: `redis://127.0.0.1:${port}`, PUBLIC_API_PER_MINUTE: '1', PUBLIC_PAGES_PER_MINUTE: '1', CARD_RENDERS_PER_MINUTE: '1' },
    });
    stack.services.queues.queue('clicks').on('error', () => undefined);
  });
  after(async () => {
    const forwarder = await forwardToRedis(port);
    await stack.stop();
    await forwarder.close();
  });

  it('serves the directory, the pages and cards uncounted, past any limit, rather than failing with Redis', async () => {
    await seedPublicPackage(stack.services, { slug: `redis-away-${Date.now()}` });
    assert.notEqual(stack.services.redis.status, 'ready');
    for (const path of ['/api/directory', '/api/directory?q=redis', '/directory', '/directory?q=redis', '/card/redis-away-none.svg', '/card/redis-away-other.svg']) {
      const answer = await get(stack.url(path), '203.0.113.7');
      assert.ok(answer.status === 200 || (answer.status === 404 && path.startsWith('/card/')), `${path}: ${answer.status}`);
      assert.equal(answer.headers.get('x-ratelimit-limit'), null, `${path} is not counted`);
    }
  });
});
