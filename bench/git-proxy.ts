/**
 * Git proxy benchmark: clones a ≥100 MB repository of incompressible data directly from a local
 * upstream (git http-backend behind Node) and through the Linktally web process, in one run, and
 * reports wall times, their ratio (target ≤ 1.10) and the web process's peak RSS above idle
 * (target ≤ 50 MB: the pack streams, it is never held). Proxied clones go to the pkglnk client's
 * URL, `/bench.git?install=<id>`, after its POST /api/v1/install-start, so install ids in the URL
 * and the upload-pack body inspection are on the measured path. Then the install-start →
 * progress → complete path of a small package, as the client polls it: the time from the pack
 * sent (the install's updated_at, stamped at the edge when the answer ended) to `complete`
 * visible at GET /api/v1/install-progress/<id> (target p95 < 2 s), with a worker process running.
 *
 *   npx tsx bench/git-proxy.ts [--rounds 5] [--mb 100] [--installs 20]
 *
 * The repository is generated once and cached under $TMPDIR/linktally-bench-git-<mb>mb. Needs
 * local PostgreSQL and Redis (database linktally_bench, Redis prefix ltbench, both cleaned up).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { ensureDatabase } from '../src/db/ensure-database';
import { createDb } from '../src/db/knex';
import { migrateLatest } from '../src/db/migrate';
import { buildPackageRepo, git, runGit, startGitUpstream } from '../test/helpers/git-upstream';
import { generateInstallId, notifyInstallStart, pollProgress } from '../test/helpers/pkglnk-client';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const ROUNDS = option('rounds', 5);
const MB = option('mb', 100);
const INSTALLS = option('installs', 20);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/linktally_bench';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const REDIS_PREFIX = 'ltbench';

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** A bare repo of MB megabytes of random files in one pack, built once and reused. */
function repository(): string {
  const root = join(tmpdir(), `linktally-bench-git-${MB}mb`);
  const bare = join(root, 'owner', 'big.git');
  if (existsSync(join(root, 'ready'))) {
    if (!existsSync(join(root, 'owner', 'small.git'))) buildPackageRepo(root, 'owner', 'small');
    return root;
  }
  rmSync(root, { recursive: true, force: true });
  log(`generating a ${MB} MB repository of random data under ${root} (once)…`);
  const work = mkdtempSync(join(tmpdir(), 'lt-bench-work-'));
  git(['init', '-q', '-b', 'main'], work);
  const files = Math.ceil(MB / 4);
  for (let i = 0; i < files; i++) writeFileSync(join(work, `blob-${i}.bin`), randomBytes(4 * 1024 * 1024));
  git(['add', '-A'], work);
  git(['commit', '-q', '-m', 'Incompressible payload'], work);
  mkdirSync(join(root, 'owner'), { recursive: true });
  git(['clone', '-q', '--bare', '--no-local', work, bare]);
  // One pack, reused as is by every clone: the upstream serves it without recompressing.
  git(['repack', '-a', '-d', '-q'], bare);
  rmSync(work, { recursive: true, force: true });
  buildPackageRepo(root, 'owner', 'small');
  writeFileSync(join(root, 'ready'), new Date().toISOString());
  return root;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function prepareDatabase(): Promise<void> {
  await ensureDatabase(DATABASE_URL);
  const db = createDb(DATABASE_URL, { max: 1 });
  try {
    await migrateLatest(db);
    await db.raw("INSERT INTO users (email, username, plan) VALUES ('bench@example.com', 'bench', 'enterprise') ON CONFLICT DO NOTHING");
    const user = await db('users').where({ email: 'bench@example.com' }).first('id');
    await db.raw(
      `INSERT INTO packages (user_id, slug, display_name, git_platform, git_owner, git_repo) VALUES (?, 'bench', 'Bench', 'github', 'owner', 'big'), (?, 'bench-small', 'Bench small', 'github', 'owner', 'small')
       ON CONFLICT (slug) DO NOTHING`,
      [user.id, user.id],
    );
  } finally {
    await db.destroy();
  }
}

// One web process (not the cluster WEB_CONCURRENCY would size from the machine), so the CPU and RSS read are the proxy's own.
function processEnv(port: number, upstreamUrl: string): NodeJS.ProcessEnv {
  return { ...process.env, PORT: String(port), DATABASE_URL, REDIS_URL, REDIS_PREFIX, GIT_UPSTREAM_GITHUB: upstreamUrl, LOG_LEVEL: 'warn', NODE_ENV: 'development', WEB_CONCURRENCY: '1' };
}

function startWorker(port: number, upstreamUrl: string): ChildProcess {
  return spawn(process.execPath, ['--require', 'tsx/cjs', resolve(__dirname, '../src/bin/worker.ts')], { env: processEnv(port, upstreamUrl), stdio: ['ignore', 'inherit', 'inherit'] });
}

async function startProxy(port: number, upstreamUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', resolve(__dirname, '../src/bin/web.ts')], {
    env: processEnv(port, upstreamUrl),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('web process did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function timedClone(url: string): Promise<number> {
  const target = mkdtempSync(join(tmpdir(), 'lt-bench-clone-'));
  try {
    const run = await runGit(['clone', '-q', '--bare', url, join(target, 'c.git')]);
    if (run.code !== 0) throw new Error(`clone of ${url} failed: ${run.stderr}`);
    return run.ms;
  } finally {
    rmSync(target, { recursive: true, force: true });
  }
}

/** User + system CPU seconds the process has used so far (clock ticks of /proc/<pid>/stat). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] as number;

/**
 * The client's install of `slug`: install-start, then the clone with the install id in the URL,
 * polling progress meanwhile (every 20 ms here; the client polls every 2 s). Returns the clone's
 * wall time and the ms from the pack sent (updated_at of the complete install) to the first poll
 * that showed complete.
 */
async function clientInstall(base: string, slug: string, clone: (url: string) => Promise<number>): Promise<{ ms: number; visibleAfterMs: number }> {
  const id = generateInstallId();
  const started = await notifyInstallStart(base, slug, id);
  if (started.status !== 201) throw new Error(`install-start answered ${started.status}`);
  const ms = await clone(`${base}/${slug}.git?install=${id}`);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 20))) {
    const poll = await pollProgress(base, id);
    const seenAt = Date.now();
    const progress = JSON.parse(poll.text) as { phase: string; updated_at: string };
    if (progress.phase === 'complete') return { ms, visibleAfterMs: seenAt - Date.parse(progress.updated_at) };
    if (progress.phase === 'failed') throw new Error(`install ${id} failed`);
  }
  throw new Error(`install ${id} never completed`);
}

async function main(): Promise<void> {
  const root = repository();
  await prepareDatabase();
  const upstream = await startGitUpstream(root);
  const port = await freePort();
  const proxy = await startProxy(port, upstream.baseUrl);
  const worker = startWorker(port, upstream.baseUrl);
  const pid = proxy.pid as number;
  const base = `http://127.0.0.1:${port}`;
  const direct = `${upstream.baseUrl}/owner/big.git`;
  const proxied = `${base}/bench.git`;
  const visible: number[] = [];
  try {
    // Warm up code paths and connections, then take idle as the settled RSS after it.
    const warm = await runGit(['ls-remote', proxied]);
    if (warm.code !== 0) throw new Error(`ls-remote through the proxy failed: ${warm.stderr}`);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rssMb(pid);
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid));
    }, 20);

    // One unmeasured round: page cache and JIT warm for both sides (its RSS still counts toward the peak).
    await timedClone(direct);
    await timedClone(proxied);
    await clientInstall(base, 'bench', timedClone);
    // Three series: direct (the ceiling), the plain install URL, and the client's URL with an
    // install id after install-start. The order rotates so no series always gets the warmest cache.
    type Series = 'direct' | 'plain' | 'proxy';
    const times: Record<Series, number[]> = { direct: [], plain: [], proxy: [] };
    const cpu: number[] = [];
    // Proxy CPU is taken around the clone alone, not the install-start and polls around it.
    const cpuClone = async (url: string) => {
      const before = cpuSeconds(pid);
      const ms = await timedClone(url);
      cpu.push(cpuSeconds(pid) - before);
      return ms;
    };
    const rotations: Series[][] = [['direct', 'plain', 'proxy'], ['proxy', 'direct', 'plain'], ['plain', 'proxy', 'direct']];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const kind of rotations[(round - 1) % rotations.length] as Series[]) {
        if (kind === 'direct') times.direct.push(await timedClone(direct));
        else if (kind === 'plain') times.plain.push(await cpuClone(proxied));
        else {
          const install = await clientInstall(base, 'bench', cpuClone);
          times.proxy.push(install.ms);
          visible.push(install.visibleAfterMs);
        }
      }
      log(`round ${round}: direct ${times.direct.at(-1)} ms, proxy ${times.plain.at(-1)} ms, proxy with install id ${times.proxy.at(-1)} ms (proxy process CPU ${cpu.at(-1)?.toFixed(2)} s)`);
    }
    clearInterval(sampler);
    for (let i = 0; i < INSTALLS; i++) visible.push((await clientInstall(base, 'bench-small', timedClone)).visibleAfterMs);
    const ratio = median(times.proxy) / median(times.direct);
    log('');
    log(`repository: ${MB} MB of random data (${root})`);
    log(`clone --bare, median of ${ROUNDS}: direct ${median(times.direct)} ms, through proxy ${median(times.plain)} ms (ratio ${(median(times.plain) / median(times.direct)).toFixed(3)}), with install id after install-start ${median(times.proxy)} ms, ratio ${ratio.toFixed(3)} (target <= 1.10)`);
    const best = { direct: Math.min(...times.direct), plain: Math.min(...times.plain), proxy: Math.min(...times.proxy) };
    log(`clone --bare, best of ${ROUNDS}: direct ${best.direct} ms, through proxy ${best.plain} ms, with install id ${best.proxy} ms, ratio ${(best.proxy / best.direct).toFixed(3)}`);
    log(`proxy process CPU per proxied clone, median: ${median(cpu).toFixed(2)} s; machine load average at the end: ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`);
    log(`proxy process RSS: idle ${idle.toFixed(1)} MB, peak ${peak.toFixed(1)} MB, peak above idle ${(peak - idle).toFixed(1)} MB (target <= 50 MB)`);
    log(`pack sent -> complete visible at install-progress, ${visible.length} installs (${ROUNDS} of ${MB} MB, ${INSTALLS} small): p50 ${percentile(visible, 50)} ms, p95 ${percentile(visible, 95)} ms, max ${Math.max(...visible)} ms (target p95 < 2000 ms)`);
  } finally {
    proxy.kill('SIGTERM');
    worker.kill('SIGTERM');
    await Promise.all([new Promise((r) => proxy.once('exit', r)), new Promise((r) => worker.once('exit', r))]);
    await upstream.close();
    const redis = new Redis(REDIS_URL);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `*${REDIS_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
