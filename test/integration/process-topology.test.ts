import { mkdtempSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createPackage } from '../../src/domain/packages';
import { createUser } from '../../src/db/user-store';
import { createLogger } from '../../src/logger';
import { closeServices, createServices, type Services } from '../../src/services';
import { createAccount } from '../helpers/accounts';
import { runGit, startPackageUpstream, type GitUpstream } from '../helpers/git-upstream';
import { request } from '../helpers/http';
import { freePort } from '../helpers/private-servers';
import { firstMessage, runProcess, type AppProcess } from '../helpers/processes';
import { testConfig } from '../helpers/stack';
import { clickTally, installTally } from '../helpers/tally';
import { waitFor } from '../helpers/wait';
import { QUEUE_NAMES } from '../../src/queues/registry';
import { isWebLoadMessage } from '../../src/lib/web-load';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Two web and two worker processes on one PostgreSQL and Redis', function () {
  this.timeout(120_000);
  let upstream: GitUpstream;
  let services: Services;
  let processes: AppProcess[] = [];
  let ports: number[];

  before(async () => {
    upstream = await startPackageUpstream(['owner', 'pkg']);
    services = createServices(testConfig(), { logger: createLogger('silent') });
    ports = [await freePort(), await freePort()];
    const env = { GIT_UPSTREAM_GITHUB: upstream.baseUrl, WEB_CONCURRENCY: '1' };
    processes = [
      ...ports.map((port) => runProcess('web', { ...env, PORT: String(port) })),
      runProcess('worker', env),
      runProcess('worker', env),
    ];
    await Promise.all(processes.map((p) => p.ready));
  });

  after(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await closeServices(services);
    await upstream.close();
  });

  it('has each supervised web process report its event loop\'s load, for the worker to step aside (workers/yield-to-web.ts)', async () => {
    const web = processes[0]?.child;
    assert.ok(web);
    const { webLoad } = await firstMessage(web, isWebLoadMessage);
    assert.ok(webLoad >= 0 && webLoad <= 1, String(webLoad));
  });

  it('counts clicks and installs sent to both web processes exactly once: rows, counters and rollups agree', async () => {
    const account = await createAccount(services);
    const base = (i: number) => `http://127.0.0.1:${ports[i % 2]}`;
    const links: number[] = [];
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(`${base(i)}/api/v1/links`, { method: 'POST', headers: account.auth, json: { link: { destination_url: `https://example.com/${i}` } } });
      assert.equal(res.status, 201);
      links.push(res.body.link.id);
      codes.push(res.body.link.short_code);
    }
    const sent = 60;
    for (let round = 0; round < sent / 12; round++) {
      await Promise.all(Array.from({ length: 12 }, async (_, i) => {
        const res = await fetch(`${base(i)}/${codes[i % 4]}`, { redirect: 'manual', headers: { 'user-agent': BROWSER } });
        assert.equal(res.status, 302);
      }));
    }

    const user = await createUser(services.db, `procs-${randomUUID()}@example.com`, 'free');
    const pkg = await createPackage(services.db, user.id, { git_platform: 'github', git_owner: 'owner', git_repo: 'pkg', git_path: null, git_ref: null, slug: 'procs', display_name: 'Procs', description: null, is_private: false });
    for (let i = 0; i < 4; i++) {
      const res = await runGit(['clone', '-q', `${base(i)}/procs.git`, join(mkdtempSync(join(tmpdir(), 'lt-clone-')), 'c')], { env: { GIT_USER_AGENT: `git/2.4${i}.0` } });
      assert.equal(res.code, 0, res.stderr);
    }

    const clicks = await waitFor(async () => {
      const t = await clickTally(services.db, links);
      return t.rows === sent && t.rollups === sent && t;
    }, { timeoutMs: 30_000, what: 'every click stored and rolled up' });
    assert.deepEqual(clicks, { rows: sent, counters: sent, rollups: sent });
    let last = await installTally(services.db, pkg.id);
    const installs = await waitFor(async () => {
      last = await installTally(services.db, pkg.id);
      return last.sessions === 4 && last.rollups === 4 && last;
    }, { timeoutMs: 60_000, what: 'four install sessions rolled up' }).catch((err: Error) => {
      throw new Error(`${err.message}; last ${JSON.stringify(last)}`);
    });
    assert.equal(installs.counter, 4);
  });
});

describe('npm start: the supervisor', function () {
  this.timeout(120_000);

  it('serves web (two processes sharing the port) and workers, says where, restarts a crashed child and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const start = runProcess('start', { PORT: String(port), WEB_CONCURRENCY: '2', WORKER_NICE: '7', LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    try {
      const lines = () => start.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; name: string; pid: number });
      const announced = () => lines().filter((l) => l.msg.startsWith('Linktally is serving'));
      await waitFor(() => announced().length === 1, { timeoutMs: 60_000, what: 'the supervisor to announce the URL' });
      assert.equal(announced()[0]?.msg, `Linktally is serving http://localhost:${port} (2 web processes); workers running on ${QUEUE_NAMES.length} queues`);
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);

      const [worker] = lines().filter((l) => l.name === 'worker' && l.msg === 'workers running');
      assert.ok(worker);
      // Redirects get the CPU first: the worker runs at WORKER_NICE, the web processes as started.
      assert.equal(getPriority(worker.pid), 7);
      const webPid = lines().find((l) => l.name === 'web')?.pid;
      assert.ok(webPid);
      assert.equal(getPriority(webPid), getPriority());
      process.kill(worker.pid, 'SIGKILL');
      await waitFor(() => announced().length === 2, { timeoutMs: 30_000, what: 'a new worker process' });
      const workersRunning = () => lines().filter((l) => l.name === 'worker' && l.msg === 'workers running');
      await waitFor(() => workersRunning().length === 2, { timeoutMs: 30_000, what: 'the new worker to log' });
      const restarted = workersRunning()[1];
      assert.ok(restarted);
      assert.equal(getPriority(restarted.pid), 7, 'a restarted worker is lowered too');
      const pids = lines().filter((l) => ['web', 'worker'].includes(l.name)).map((l) => l.pid);

      assert.equal(await start.stop(), 0);
      assert.deepEqual([...new Set(pids)].filter(alive), [], 'no child outlives the supervisor');
      assert.ok(lines().some((l) => l.name === 'start' && l.msg === 'stopped'));
    } finally {
      await start.stop();
    }
  });
});
