import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, loadSettings } from '../../src/config';

describe('config', () => {
  it('gives a working local configuration with no settings at all, with no APP_SECRET of its own', () => {
    const config = loadSettings({});
    // Never a key from the code: the processes use the deployment's generated one (src/bin/lifecycle.ts).
    assert.equal(config.appSecret, null);
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, 'postgres://postgres@127.0.0.1:5432/linktally');
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.publicBaseUrl, 'http://localhost:3000');
    assert.equal(config.webhookAllowPrivate, false);
    assert.equal(config.trustProxyHops, 0);
    assert.equal(config.gitUpstreams.github, 'https://github.com');
  });

  it('derives PUBLIC_BASE_URL from PORT and strips a trailing slash when set', () => {
    assert.equal(loadSettings({ PORT: '8080' }).publicBaseUrl, 'http://localhost:8080');
    assert.equal(loadSettings({ PUBLIC_BASE_URL: 'https://lt.example/' }).publicBaseUrl, 'https://lt.example');
  });

  const bad: Array<[Record<string, string>, string]> = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ PUBLIC_BASE_URL: 'ftp://x' }, 'PUBLIC_BASE_URL'],
    [{ APP_SECRET: 'short' }, 'APP_SECRET'],
    [{ WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'WEBHOOK_ALLOW_PRIVATE'],
    [{ GIT_UPSTREAM_GITHUB: 'github.com' }, 'GIT_UPSTREAM_GITHUB'],
    [{ TRUST_PROXY: 'loopback' }, 'TRUST_PROXY'],
    [{ NODE_ENV: 'production' }, 'APP_SECRET'],
    [{ DATABASE_SSL: 'maybe' }, 'DATABASE_SSL'],
    [{ DATABASE_POOL_MAX: '0' }, 'DATABASE_POOL_MAX'],
    [{ REDIS_TLS_REJECT_UNAUTHORIZED: 'perhaps' }, 'REDIS_TLS_REJECT_UNAUTHORIZED'],
    [{ REDIS_CLUSTER_NODES: '127.0.0.1' }, 'REDIS_CLUSTER_NODES'],
    [{ WEB_CONCURRENCY: 'many' }, 'WEB_CONCURRENCY'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
  ];
  for (const [env, name] of bad) {
    it(`refuses ${JSON.stringify(env)} with one line naming ${name}`, () => {
      assert.throws(() => loadSettings(env), (err: unknown) => err instanceof ConfigError && err.message.includes(name) && !err.message.includes('\n'));
    });
  }

  it('reads booleans and proxy hops', () => {
    assert.equal(loadSettings({ WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate, true);
    assert.equal(loadSettings({ TRUST_PROXY: '2' }).trustProxyHops, 2);
    assert.equal(loadSettings({ TRUST_PROXY: 'true' }).trustProxyHops, Number.POSITIVE_INFINITY);
  });

  it('refuses, for callers that must bring their own key, a configuration without APP_SECRET', () => {
    assert.throws(() => loadConfig({}), (err: unknown) => err instanceof ConfigError && /APP_SECRET/.test(err.message));
    assert.equal(loadConfig({ APP_SECRET: 'k'.repeat(32) }).appSecret, 'k'.repeat(32));
  });

  it('names every invalid variable at once, on one line', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', REDIS_URL: 'nope', DATABASE_POOL_MAX: '-1', NODE_ENV: 'production' }),
      (err: unknown) => err instanceof ConfigError && ['PORT', 'REDIS_URL', 'DATABASE_POOL_MAX', 'APP_SECRET'].every((name) => err.message.includes(name)) && !err.message.includes('\n'),
    );
  });

  it('keeps the safe defaults off Heroku: no trusted proxy, verified Redis TLS, TLS as the URL says', () => {
    const config = loadSettings({});
    assert.equal(config.onHeroku, false);
    assert.equal(config.trustProxyHops, 0);
    assert.equal(config.redisTlsRejectUnauthorized, true);
    assert.equal(config.databaseSsl, 'url');
    assert.equal(config.databasePoolMax, 10);
    assert.equal(config.redisClusterNodes, null);
    assert.equal(config.webConcurrency, availableParallelism(), 'one web process per core');
    assert.equal(config.webConcurrencyBesideWorkers, Math.max(1, availableParallelism() - 1), 'npm start leaves the worker a core');
  });

  it('on a Heroku dyno trusts exactly the router hop and accepts the self-signed certificates', () => {
    const config = loadSettings({ DYNO: 'web.1' });
    assert.equal(config.onHeroku, true);
    assert.equal(config.trustProxyHops, 1);
    assert.equal(config.redisTlsRejectUnauthorized, false);
    assert.equal(config.databaseSsl, 'no-verify');
  });

  it('lets explicit settings win over the Heroku defaults', () => {
    const config = loadSettings({ DYNO: 'web.1', TRUST_PROXY: '2', REDIS_TLS_REJECT_UNAUTHORIZED: 'true', DATABASE_SSL: 'verify' });
    assert.equal(config.trustProxyHops, 2);
    assert.equal(config.redisTlsRejectUnauthorized, true);
    assert.equal(config.databaseSsl, 'verify');
  });

  it('reads the cluster nodes, the pool size and the web process count', () => {
    const config = loadSettings({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,redis-b.internal:7001', DATABASE_POOL_MAX: '4', WEB_CONCURRENCY: '3' });
    assert.deepEqual(config.redisClusterNodes, [{ host: '10.0.0.1', port: 7000 }, { host: 'redis-b.internal', port: 7001 }]);
    assert.equal(config.databasePoolMax, 4);
    assert.equal(config.webConcurrency, 3);
    assert.equal(config.webConcurrencyBesideWorkers, 3, 'a set WEB_CONCURRENCY holds under npm start too');
  });

  it('reads the per-address allowances of the public reads, generous by default, and refuses a limit that is no positive whole number', () => {
    assert.deepEqual(loadSettings({}).publicLimits, { apiPerMinute: 600, pagesPerMinute: 300, cardRendersPerMinute: 1200 });
    assert.deepEqual(loadSettings({ PUBLIC_API_PER_MINUTE: '5', PUBLIC_PAGES_PER_MINUTE: '6', CARD_RENDERS_PER_MINUTE: '7' }).publicLimits, { apiPerMinute: 5, pagesPerMinute: 6, cardRendersPerMinute: 7 });
    for (const bad of ['0', '-1', '1.5', 'lots']) assert.throws(() => loadSettings({ PUBLIC_PAGES_PER_MINUTE: bad }), /PUBLIC_PAGES_PER_MINUTE/, bad);
  });
});
