import assert from 'node:assert/strict';
import { once } from 'node:events';
import pg from 'pg';
import { releaseWith } from '../../src/bin/release';
import { createLogger } from '../../src/logger';
import { createRedis } from '../../src/redis';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { request } from '../helpers/http';
import { expectClickOnLiveFeed } from '../helpers/live-stream';
import { startPrivatePostgres, startTlsRedis, type PrivateServer } from '../helpers/private-servers';
import { startStack, testConfig, type Stack } from '../helpers/stack';
import { drainQueues, waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const silent = createLogger('silent');

/**
 * Heroku as it is: a DATABASE_URL with no sslmode to a PostgreSQL that accepts TLS only, with a
 * self-signed certificate; a rediss:// REDIS_URL with a self-signed certificate; DYNO set; the
 * router in front adding X-Forwarded-For. Nothing else is configured.
 */
describe('Deployed as Heroku gives it: self-signed TLS PostgreSQL and Redis', function () {
  this.timeout(90_000);
  let postgres: PrivateServer;
  let redis: PrivateServer;
  let stack: Stack;
  let account: TestAccount;
  const herokuEnv = () => ({ DYNO: 'web.1', DATABASE_URL: postgres.url, REDIS_URL: redis.url });

  before(async () => {
    // A role the maintenance database refuses, as managed providers do.
    [postgres, redis] = await Promise.all([startPrivatePostgres({ hba: ['hostssl postgres app 127.0.0.1/32 reject'] }), startTlsRedis()]);
    await releaseWith(testConfig(herokuEnv()), silent);
    stack = await startStack({ workers: true, env: herokuEnv(), web: { linkCacheTtlMs: 60_000 } });
    account = await createAccount(stack.services);
  });

  after(async () => {
    await stack?.stop();
    await Promise.all([postgres?.stop(), redis?.stop()]);
  });

  it('really is TLS-only: PostgreSQL refuses a plain connection and Redis a verified one to its self-signed certificate', async () => {
    const plain = new pg.Client({ connectionString: postgres.url, ssl: false });
    await assert.rejects(plain.connect(), /no pg_hba\.conf entry.*no encryption/);
    const verifying = createRedis({ redisUrl: redis.url, redisClusterNodes: null, redisTlsRejectUnauthorized: true }, 'command');
    const [err] = (await once(verifying, 'error')) as [Error];
    verifying.disconnect();
    assert.match(err.message, /self-signed certificate/);
  });

  it('counts clicks end to end, each visitor told apart by the address the router saw', async () => {
    const created = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/a' } } });
    assert.equal(created.status, 201);
    const { id, short_code: code } = created.body.link;
    // The router appends the address it saw; anything left of it is the visitor's own claim.
    for (const xff of ['203.0.113.7', '198.51.100.9, 203.0.113.8', '203.0.113.7']) {
      const res = await fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER, 'x-forwarded-for': xff } });
      assert.equal(res.status, 302);
    }
    await waitFor(() => stack.web.clicks.pending === 0, { what: 'click buffer to flush' });
    await drainQueues(stack.services);
    const link = await request(stack.url(`/api/v1/links/${id}`), { headers: account.auth });
    assert.equal(link.body.link.click_count, 3);
    const [visitors] = await stack.services.db('clicks').where({ link_id: id }).countDistinct({ n: 'hashed_ip' });
    assert.equal(visitors?.n, 2);
  });

  it('drops a changed link from the edge cache over the TLS pub/sub subscriber', async () => {
    const created = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/old' } } });
    const { id, short_code: code } = created.body.link;
    const first = await fetch(stack.url(`/${code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
    assert.equal(first.headers.get('location'), 'https://example.com/old');
    const patched = await request(stack.url(`/api/v1/links/${id}`), { method: 'PATCH', headers: account.auth, json: { link: { destination_url: 'https://example.com/new' } } });
    assert.equal(patched.status, 200);
    // The cache holds entries for a minute here: only the invalidation message can show the change within seconds.
    await waitFor(async () => (await fetch(stack.url(`/${code}`), { redirect: 'manual' })).headers.get('location') === 'https://example.com/new', { timeoutMs: 5000, what: 'new destination' });
  });

  it('streams a stored click to the live feed over the TLS pub/sub subscriber', async () => {
    await expectClickOnLiveFeed(stack, account.auth);
  });

  it('releases an existing database without touching the maintenance database, and names DATABASE_URL when it must', async () => {
    await stack.services.db.raw('CREATE ROLE app SUPERUSER LOGIN');
    const asApp = (database: string) => testConfig({ ...herokuEnv(), DATABASE_URL: `postgres://app@127.0.0.1:${postgres.port}/${database}` });
    await releaseWith(asApp('linktally'), silent);
    await assert.rejects(releaseWith(asApp('missing'), silent), /cannot reach PostgreSQL at DATABASE_URL \(127\.0\.0\.1:\d+\): .*pg_hba\.conf rejects connection .*database "postgres"/);
  });
});
