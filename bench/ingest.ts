/**
 * Ingest benchmark: clicks through the real redirector → BullMQ → one worker process → stored
 * and rolled up; then the redirect-to-counted lag at a steady rate; then the overview endpoint
 * over 1,000,000 stored clicks. Standalone, on its own database and Redis prefix:
 *
 *   npx tsx bench/ingest.ts [--clicks 100000] [--rate 2000] [--lag-seconds 15] [--seed 1000000] [--worker-flags '...']
 *
 * --lag-seconds 0 or --seed 0 skips that part. The worker's CPU time is read from /proc (Linux),
 * every thread of it (V8's helper threads included). --worker-flags=... starts the worker with
 * those node flags (e.g. --worker-flags=--single-threaded-gc), to compare with node's defaults.
 * Needs PostgreSQL and Redis as for the tests (TEST_POSTGRES_URL, REDIS_URL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAccount } from '../src/domain/accounts';
import { loadConfig } from '../src/config';
import { queueRecompute, rollupDue } from '../src/db/rollup-store';
import { createLink } from '../src/domain/links';
import { createLogger } from '../src/logger';
import { closeServices, createServices, type Services } from '../src/services';
import { startWeb } from '../src/web';
import { deleteKeys } from '../test/helpers/root-hooks';
import { createRunDatabase, dropRunDatabase } from '../test/helpers/test-database';

const { values: args } = parseArgs({
  options: {
    clicks: { type: 'string', default: '100000' },
    rate: { type: 'string', default: '2000' },
    'lag-seconds': { type: 'string', default: '15' },
    seed: { type: 'string', default: '1000000' },
    links: { type: 'string', default: '100' },
    'worker-flags': { type: 'string', default: '' },
  },
});
const N = Number(args.clicks);
const RATE = Number(args.rate);
const LAG_SECONDS = Number(args['lag-seconds']);
const SEED = Number(args.seed);
const LINKS = Number(args.links);
const WORKER_FLAGS = (args['worker-flags'] ?? '').split(' ').filter(Boolean);

const AGENTS = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'curl/8.4.0',
];
const REFERRERS = ['https://www.google.com/search?q=x', 'https://t.co/abc', 'https://www.facebook.com/', 'https://news.ycombinator.com/item?id=1', '', ''];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;
const randomIp = () => `${1 + Math.floor(Math.random() * 222)}.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** One redirect with a random visitor; resolves to whether the visitor was a bot (stored, never counted). */
function redirect(port: number, code: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const ua = pick(AGENTS);
    const headers: Record<string, string> = { 'user-agent': ua, 'x-forwarded-for': randomIp() };
    const referrer = pick(REFERRERS);
    if (referrer) headers.referer = referrer;
    const req = http.request({ host: '127.0.0.1', port, path: `/${code}`, agent, headers }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 302 ? resolve(ua.includes('Googlebot')) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function counted(services: Services): Promise<{ stored: number; rolled: number }> {
  const [links, rollups] = await Promise.all([
    services.db.raw('SELECT COALESCE(sum(click_count), 0)::bigint AS n FROM links'),
    services.db.raw('SELECT COALESCE(sum(clicks), 0)::bigint AS n FROM user_daily_stats'),
  ]);
  return { stored: links.rows[0].n, rolled: rollups.rows[0].n };
}

/** CPU seconds (user + system) a process has used so far, from /proc; 0 where there is none. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function startWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [...WORKER_FLAGS, '--import', 'tsx', join(__dirname, '../src/bin/worker.ts')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  return child;
}

async function main(): Promise<void> {
  const databaseUrl = await createRunDatabase();
  const env = {
    ...process.env,
    NODE_ENV: 'test' as const,
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `lt_bench_${process.pid}`,
    APP_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    TRUST_PROXY: '1',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const services = createServices(config, { logger: createLogger('warn', 'bench') });
  const web = await startWeb(services, { port: 0 });
  let worker: ChildProcess | undefined;
  try {
    const { user } = await createAccount(services, `bench-${process.pid}@example.com`, 'enterprise');
    const codes: string[] = [];
    for (let i = 0; i < LINKS; i++) codes.push((await createLink(services.db, { user_id: user.id, destination_url: `https://example.com/${i}` })).short_code);
    console.log(`# ingest benchmark — ${new Date().toISOString()} — node ${process.version}`);

    // 1. Throughput: N redirects queued with no worker running, then one worker process drains them.
    let t = Date.now();
    let next = 0;
    let humans = 0;
    await Promise.all(Array.from({ length: 64 }, async () => {
      while (next < N) {
        next++;
        if (!(await redirect(web.port, pick(codes)))) humans++;
      }
    }));
    while (web.clicks.pending > 0) await sleep(10);
    console.log(`redirects: ${fmt(N)} in ${((Date.now() - t) / 1000).toFixed(1)} s (${fmt(N / ((Date.now() - t) / 1000))}/s, one web process, worker stopped)`);

    worker = startWorker(env);
    let first = 0;
    let storedAt = 0;
    let cpuAtFirst = 0;
    for (;;) {
      const c = await counted(services);
      if (!first && c.stored > 0) {
        first = Date.now();
        cpuAtFirst = cpuSeconds(worker.pid);
      }
      if (!storedAt && c.stored >= humans) storedAt = Date.now();
      if (storedAt && c.rolled >= humans) break;
      await sleep(50);
    }
    const doneAt = Date.now();
    const workerCpu = cpuSeconds(worker.pid) - cpuAtFirst;
    const total = await counted(services);
    const storedRate = N / ((storedAt - first) / 1000);
    const endToEnd = N / ((doneAt - first) / 1000);
    console.log(`worker: ${fmt(N)} events (${fmt(N - humans)} bots) stored in ${((storedAt - first) / 1000).toFixed(2)} s = ${fmt(storedRate)} events/s; stored and rolled up in ${((doneAt - first) / 1000).toFixed(2)} s = ${fmt(endToEnd)} events/s (one worker process, WORKER_CONCURRENCY=${config.workerConcurrency}, worker CPU ${workerCpu.toFixed(1)} s = ${Math.round((workerCpu / ((doneAt - first) / 1000)) * 100)}% of one core, ${((workerCpu * 1e6) / total.stored).toFixed(1)} µs per counted click; node flags: ${WORKER_FLAGS.join(' ') || 'none'})`);

    // 2. Lag at a steady rate: redirect time → counted (links.click_count) and → rolled up.
    if (LAG_SECONDS > 0) {
    const base = total;
    // Send times of the counted (non-bot) redirects; the k-th counted click is matched with the
    // k-th of them (the queue is close to first in, first out).
    const sentAt: number[] = [];
    let sent = 0;
    const tick = 10;
    const perTick = (RATE * tick) / 1000;
    const stop = Date.now() + LAG_SECONDS * 1000;
    const observations: Array<{ at: number; stored: number; rolled: number }> = [];
    let sending = true;
    const sender = (async () => {
      const inflight: Array<Promise<void>> = [];
      let due = Date.now();
      while (Date.now() < stop) {
        for (let i = 0; i < perTick; i++) {
          const at = Date.now();
          sent++;
          inflight.push(redirect(web.port, pick(codes)).then((bot) => void (bot || sentAt.push(at))));
        }
        due += tick;
        await sleep(Math.max(0, due - Date.now()));
      }
      await Promise.all(inflight);
      sending = false;
    })();
    for (;;) {
      const c = await counted(services);
      const o = { at: Date.now(), stored: c.stored - base.stored, rolled: c.rolled - base.rolled };
      observations.push(o);
      if (!sending && o.stored >= sentAt.length && o.rolled >= sentAt.length) break;
      await sleep(50);
    }
    await sender;
    sentAt.sort((a, b) => a - b);
    const lags = (key: 'stored' | 'rolled') => {
      const out: number[] = [];
      let k = 0;
      for (const o of observations) {
        for (; k < Math.min(o[key], sentAt.length); k++) out.push(o.at - (sentAt[k] as number));
      }
      return out.sort((a, b) => a - b);
    };
    const stored = lags('stored');
    const rolled = lags('rolled');
    console.log(`lag at ${fmt(RATE)} clicks/s for ${LAG_SECONDS} s (${fmt(sent)} redirects): redirect to counted (click_count) p50 ${percentile(stored, 50)} ms, p95 ${percentile(stored, 95)} ms, max ${stored.at(-1)} ms; to rolled up p50 ${percentile(rolled, 50)} ms, p95 ${percentile(rolled, 95)} ms, max ${rolled.at(-1)} ms`);
    }
    worker.kill('SIGTERM');
    await new Promise((r) => worker?.once('exit', r));
    worker = undefined;
    if (SEED === 0) return;

    // 3. Overview over SEED stored clicks (seeded directly, then rolled up by the real rollup code).
    const big = await createAccount(services, `bench-big-${process.pid}@example.com`, 'enterprise');
    const linkIds: number[] = [];
    for (let i = 0; i < LINKS; i++) linkIds.push((await createLink(services.db, { user_id: big.user.id, destination_url: `https://example.com/big/${i}` })).id);
    t = Date.now();
    await services.db.raw(
      `INSERT INTO clicks (event_id, link_id, user_id, clicked_at, hashed_ip, hashed_user_agent, referrer_domain, country_code, city, device_type, browser_family, os_family, is_bot)
       SELECT gen_random_uuid(), (?::bigint[])[1 + (g % ?)], ?, now() - random() * interval '29 days',
              encode(sha256(('visitor' || floor(random() * 600000))::bytea), 'hex'), md5((g % 50)::text),
              (ARRAY['google.com', 't.co', 'facebook.com', 'news.ycombinator.com', NULL, NULL])[1 + (g % 6)],
              (ARRAY['US', 'GB', 'DE', 'FR', 'CH', 'JP', 'BR', 'IN', NULL])[1 + (g % 9)], NULL,
              (ARRAY['desktop', 'mobile', 'mobile', 'tablet'])[1 + (g % 4)],
              (ARRAY['Chrome', 'Safari', 'Firefox', 'Edge', 'Samsung Internet'])[1 + (g % 5)],
              (ARRAY['macOS', 'iOS', 'Windows', 'Android', 'Linux'])[1 + (g % 5)],
              g % 33 = 0
       FROM generate_series(1, ?) AS g`,
      [linkIds, LINKS, big.user.id, SEED],
    );
    const seeded = (Date.now() - t) / 1000;
    t = Date.now();
    await queueRecompute(services.db, new Date(Date.now() - 31 * 86_400_000), new Date(Date.now() + 86_400_000));
    for (;;) {
      const r = await rollupDue(services.db, { maxUserDays: 1000 });
      if (r.userDays === 0) break;
    }
    console.log(`seeded ${fmt(SEED)} clicks in ${seeded.toFixed(1)} s; full rollup (${LINKS} links × 30 days) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await services.db.raw('ANALYZE');
    const token = big.token.token;
    for (const path of ['/api/v1/analytics/overview', '/api/v1/analytics/advanced']) {
      const times: number[] = [];
      let body = '';
      for (let i = 0; i < 60; i++) {
        const started = process.hrtime.bigint();
        const res = await fetch(`http://127.0.0.1:${web.port}${path}`, { headers: { authorization: `Bearer ${token}` } });
        body = await res.text();
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body}`);
        if (i >= 10) times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      times.sort((a, b) => a - b);
      const parsed = JSON.parse(body);
      const metrics = parsed.overview?.metrics ? ` (total_clicks ${fmt(parsed.overview.metrics.total_clicks)}, unique_visitors ${fmt(parsed.overview.metrics.unique_visitors)})` : '';
      console.log(`${path} over ${fmt(SEED)} clicks: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms, max ${times.at(-1)?.toFixed(1)} ms (50 requests after 10 warm-up)${metrics}`);
    }
    const exact = await services.db.raw('SELECT count(DISTINCT hashed_ip)::bigint AS n, count(*) FILTER (WHERE NOT is_bot)::bigint AS clicks FROM clicks WHERE user_id = ? AND NOT is_bot', [big.user.id]);
    console.log(`exact distinct visitors by raw scan: ${fmt(exact.rows[0].n)} over ${fmt(exact.rows[0].clicks)} counted clicks`);
  } finally {
    worker?.kill('SIGTERM');
    await web.close(1000);
    await deleteKeys(services.redis, `*lt_bench_${process.pid}*`);
    await closeServices(services);
    agent.destroy();
    await dropRunDatabase(databaseUrl);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
