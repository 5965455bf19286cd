import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { createPackage } from '../../src/domain/packages';
import { createUser } from '../../src/db/user-store';
import { createAccount, type TestAccount } from '../helpers/accounts';
import { runGit, startPackageUpstream, type GitUpstream } from '../helpers/git-upstream';
import { request } from '../helpers/http';
import { expectClickOnLiveFeed } from '../helpers/live-stream';
import { startRedisCluster, type PrivateCluster } from '../helpers/private-servers';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startStack, type Stack } from '../helpers/stack';
import { clickTally, installTally } from '../helpers/tally';
import { drainQueues, settleClicks, waitFor } from '../helpers/wait';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** A three-master Redis Cluster of the test's own; REDIS_CLUSTER_NODES names it and nothing else changes. */
describe('On a Redis Cluster (three masters)', function () {
  this.timeout(90_000);
  let cluster: PrivateCluster;
  let upstream: GitUpstream;
  let receiver: Receiver;
  let stack: Stack;
  let account: TestAccount;

  before(async () => {
    [cluster, upstream, receiver] = await Promise.all([startRedisCluster(), startPackageUpstream(['owner', 'pkg']), startReceiver()]);
    stack = await startStack({ workers: true, env: { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_URL: cluster.url, GIT_UPSTREAM_GITHUB: upstream.baseUrl } });
    account = await createAccount(stack.services);
  });

  after(async () => {
    await stack?.stop();
    await Promise.all([cluster?.stop(), upstream?.close(), receiver?.close()]);
  });

  it('uses cluster connections, with every BullMQ key of a queue in one slot', async () => {
    assert.ok(stack.services.redis instanceof Cluster);
    const prefix = stack.services.config.redisPrefix;
    const slots = await Promise.all([`{${prefix}}:clicks:wait`, `{${prefix}}:exports:meta`].map((key) => stack.services.redis.cluster('KEYSLOT', key)));
    assert.equal(new Set(slots).size, 1);
  });

  it('counts clicks exactly: raw rows, counters and daily rollups agree', async () => {
    const codes: Array<{ id: number; short_code: string }> = [];
    for (let i = 0; i < 3; i++) {
      const res = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: `https://example.com/${i}` } } });
      assert.equal(res.status, 201);
      codes.push(res.body.link);
    }
    const sent = 30;
    await Promise.all(Array.from({ length: sent }, async (_, i) => {
      const res = await fetch(stack.url(`/${codes[i % 3]?.short_code}`), { redirect: 'manual', headers: { 'user-agent': BROWSER } });
      assert.equal(res.status, 302);
    }));
    await settleClicks(stack);
    const ids = codes.map((c) => c.id);
    const tally = await waitFor(async () => {
      const t = await clickTally(stack.services.db, ids);
      return t.rollups === sent && t;
    }, { timeoutMs: 20_000, what: 'rollups to cover every click' });
    assert.deepEqual(tally, { rows: sent, counters: sent, rollups: sent });
  });

  it('tracks installs through the git proxy: events, sessions, counter and rollups agree', async () => {
    const user = await createUser(stack.services.db, `cluster-${randomUUID()}@example.com`, 'free');
    const pkg = await createPackage(stack.services.db, user.id, { git_platform: 'github', git_owner: 'owner', git_repo: 'pkg', git_path: null, git_ref: null, slug: 'clustered', display_name: 'Clustered', description: null, is_private: false });
    for (let i = 0; i < 2; i++) {
      const res = await runGit(['clone', '-q', stack.url('/clustered.git'), join(mkdtempSync(join(tmpdir(), 'lt-clone-')), 'c')], { env: { GIT_USER_AGENT: `git/2.4${i}.0` } });
      assert.equal(res.code, 0, res.stderr);
    }
    await waitFor(() => stack.web.installTracker.inFlight === 0 && stack.web.installs.pending === 0, { what: 'install events queued' });
    await drainQueues(stack.services);
    // Two clients (two git versions) from one address: two install sessions, counted once each.
    let last = await installTally(stack.services.db, pkg.id);
    await waitFor(async () => {
      last = await installTally(stack.services.db, pkg.id);
      return last.sessions === 2 && last.rollups === 2;
    }, { timeoutMs: 20_000, what: 'two install sessions rolled up' }).catch((err: Error) => {
      throw new Error(`${err.message}; last ${JSON.stringify(last)}`);
    });
    assert.equal(last.counter, 2);
    assert.ok(last.events >= 2);
  });

  it('streams a stored click to the live feed over a cluster subscriber', async () => {
    await expectClickOnLiveFeed(stack, account.auth);
  });

  it('runs a bulk import and a links export as queued jobs', async () => {
    const imported = await request(stack.url('/api/v1/links/bulk_import'), { method: 'POST', headers: account.auth, json: { csv: 'destination_url,short_code\nhttps://example.com/i1,imp-1\nhttps://example.com/i2,imp-2' } });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.equal(imported.body.created, 2);
    const exported = await fetch(stack.url('/api/v1/links/export'), { headers: account.auth });
    assert.equal(exported.status, 200);
    const csv = await exported.text();
    assert.match(csv, /imp-1/);
    assert.match(csv, /imp-2/);
  });

  it('delivers a webhook through the webhooks queue and its receiver slots', async () => {
    const configured = await request(stack.url('/api/v1/settings'), { method: 'PATCH', headers: account.auth, json: { webhook_url: receiver.url, webhook_secret: 'cluster-secret-0123456789' } });
    assert.equal(configured.status, 200, JSON.stringify(configured.body));
    const created = await request(stack.url('/api/v1/links'), { method: 'POST', headers: account.auth, json: { link: { destination_url: 'https://example.com/hook' } } });
    const got = await waitFor(() => receiver.received.find((r) => JSON.parse(r.rawBody).data?.link?.id === created.body.link.id), { what: 'link.created delivery' });
    assert.equal(JSON.parse(got.rawBody).event, 'link.created');
  });
});
