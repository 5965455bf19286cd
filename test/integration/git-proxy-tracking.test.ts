import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createUser } from '../../src/db/user-store';
import type { InstallEvent } from '../../src/lib/edge-events';
import { createLogger } from '../../src/logger';
import { createPackage } from '../../src/domain/packages';
import { closeServices, createServices } from '../../src/services';
import { startWeb } from '../../src/web';
import { ingestInstalls } from '../../src/workers/ingest-installs';
import { sealEvents } from '../../src/queues/sealed-events';
import { PRIVATE_PASSWORD, PRIVATE_USER, runGit, startPackageUpstream, type GitUpstream } from '../helpers/git-upstream';
import { startStack, testConfig, type Stack } from '../helpers/stack';
import { drainQueues, waitFor } from '../helpers/wait';

const LOCATION = { git_platform: 'github' as const, git_owner: 'owner', git_repo: 'pkg', git_path: null, git_ref: null };

describe('Install tracking', function () {
  this.timeout(30_000);
  let upstream: GitUpstream;
  let stack: Stack;
  let packageId: number;

  before(async () => {
    upstream = await startPackageUpstream(['owner', 'pkg']);
    stack = await startStack({
      workers: true,
      env: { GIT_UPSTREAM_GITHUB: upstream.baseUrl },
      web: { installTracking: { limitPerHour: 3, sessionWindowSeconds: 600, redisTimeoutMs: 1000 } },
    });
  });
  after(async () => {
    await stack.stop();
    await upstream.close();
  });
  beforeEach(async () => {
    await stack.reset();
    const user = await createUser(stack.services.db, `tracking-${randomUUID()}@example.com`, 'free');
    packageId = (await createPackage(stack.services.db, user.id, { ...LOCATION, slug: 'tracked', display_name: 'Tracked', description: null, is_private: false })).id;
  });

  const counters = async () => stack.services.db('packages').where({ id: packageId }).first('total_installs', 'unique_ips');
  const event = (sessionId: string, ip: string, type: InstallEvent['type'] = 'clone_start'): InstallEvent => ({
    id: randomUUID(), packageId, type, sessionId, at: Date.now(), ip, userAgent: 'git/2.43.0', subpath: null, delivered: type === 'fetch_objects',
  });

  it('stores a batch delivered twice only once and moves the counters once', async () => {
    const events = [event('sess_a', '81.2.69.160'), event('sess_a', '81.2.69.160', 'fetch_objects'), event('sess_b', '8.8.8.8', 'fetch_objects'), event('sess_c', '8.8.4.4')];
    assert.equal(await ingestInstalls(stack.services, { events }), 4);
    assert.equal(await ingestInstalls(stack.services, { events }), 0);
    assert.deepEqual(await counters(), { total_installs: 2, unique_ips: 3 }, 'sess_c only discovered refs: no install');
  });

  it('counts a session continued in a later batch, or in a racing one, as one install', async () => {
    const first = [event('sess_c', '81.2.69.160')];
    const second = [event('sess_c', '81.2.69.160', 'fetch_objects')];
    const third = [event('sess_c', '81.2.69.160', 'fetch_objects')];
    await ingestInstalls(stack.services, { events: first });
    await Promise.all([ingestInstalls(stack.services, { events: second }), ingestInstalls(stack.services, { events: third })]);
    assert.deepEqual(await counters(), { total_installs: 1, unique_ips: 1 });
    assert.equal((await stack.services.db('install_events').count({ n: '*' }))[0]?.n, 3);
  });

  it('counts a batch queued twice as two jobs only once', async () => {
    const events = [event('sess_d', '81.2.69.160', 'fetch_objects')];
    await stack.services.queues.add('ingest-installs', { sealed: sealEvents(stack.services.config.appSecret, events) });
    await stack.services.queues.add('ingest-installs', { sealed: sealEvents(stack.services.config.appSecret, events) });
    await drainQueues(stack.services);
    assert.deepEqual(await counters(), { total_installs: 1, unique_ips: 1 });
  });

  it('drops the events of a package deleted since they were minted, instead of failing the job', async () => {
    const events = [event('sess_e', '81.2.69.160')];
    await stack.services.db('packages').where({ id: packageId }).delete();
    assert.equal(await ingestInstalls(stack.services, { events }), 0);
  });

  it('pauses logging past the per-IP hourly limit while git keeps working', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await runGit(['ls-remote', stack.url('/tracked.git')]);
      assert.equal(res.code, 0, res.stderr);
      assert.match(res.stdout, /refs\/heads\/main/);
    }
    await waitFor(() => stack.web.installTracker.inFlight === 0 && stack.web.installs.pending === 0, { what: 'install events to be queued' });
    await drainQueues(stack.services);
    assert.equal((await stack.services.db('install_events').count({ n: '*' }))[0]?.n, 3, 'six requests, three logged');
  });

  it('keeps git working when Redis is unreachable, holding install events with a locally derived session', async () => {
    const config = testConfig({ GIT_UPSTREAM_GITHUB: upstream.baseUrl, REDIS_URL: 'redis://127.0.0.1:1' });
    const services = createServices(config, { logger: createLogger('silent') });
    const web = await startWeb(services, { port: 0 });
    const scratch = mkdtempSync(join(tmpdir(), 'lt-git-client-'));
    try {
      const clone = await runGit(['clone', '-q', `http://127.0.0.1:${web.port}/tracked.git`, join(scratch, 'c')]);
      assert.equal(clone.code, 0, clone.stderr);
      await waitFor(() => web.installs.pending === 3, { what: 'three events held' });
    } finally {
      web.server.closeAllConnections();
      await new Promise((resolve) => web.server.close(resolve));
      services.redis.disconnect();
      await services.db.destroy();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('Git proxy logs', function () {
  this.timeout(30_000);

  it('never carry credentials, addresses or user agents, even at debug level', async () => {
    const upstream = await startPackageUpstream(['private', 'secret']);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // A bare pino, without the redaction paths of src/logger.ts: nothing sensitive may reach it at all.
    const services = createServices(testConfig({ GIT_UPSTREAM_GITHUB: upstream.baseUrl }), { logger: pino({ level: 'debug' }, sink) });
    const web = await startWeb(services, { port: 0 });
    const scratch = mkdtempSync(join(tmpdir(), 'lt-git-client-'));
    try {
      const user = await createUser(services.db, `logs-${randomUUID()}@example.com`, 'free');
      await createPackage(services.db, user.id, { ...LOCATION, git_owner: 'private', git_repo: 'secret', slug: `logs-${Date.now()}`, display_name: 'Logs', description: null, is_private: true });
      const slug = (await services.db('packages').where({ user_id: user.id }).first('slug')).slug as string;
      const agent = 'git/2.43.0.windows.1 (very-identifying-agent)';
      const url = `http://${PRIVATE_USER}:${PRIVATE_PASSWORD}@127.0.0.1:${web.port}/${slug}.git`;
      const clone = await runGit(['-c', `http.userAgent=${agent}`, 'clone', '-q', url, join(scratch, 'c')]);
      assert.equal(clone.code, 0, clone.stderr);
      await waitFor(() => web.installTracker.inFlight === 0, { what: 'tracking to settle' });
      const logged = lines.join('');
      assert.match(logged, /"category":"git"/, 'git requests are logged');
      const basic = Buffer.from(`${PRIVATE_USER}:${PRIVATE_PASSWORD}`).toString('base64');
      for (const secret of [PRIVATE_PASSWORD, basic, '127.0.0.1', 'very-identifying-agent']) assert.ok(!logged.includes(secret), `logs contain ${secret}`);
    } finally {
      await web.close(1000);
      await closeServices(services);
      await upstream.close();
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
