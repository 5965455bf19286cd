/**
 * The CPU cost of one counted click, end to end: `npm start`'s processes (web, worker), the
 * PostgreSQL backends and Redis, read from /proc before and after a fixed-length wrk run, until
 * every click is stored and rolled up — beside the bare Node 302 server's CPU per request in the
 * same run. PostgreSQL and Redis are private servers started for the run, so their CPU time is
 * this run's alone.
 *
 *   npm run bench -- cost            (CONNECTIONS=50 BENCH_SECONDS=10 REPS=3 by default; medians printed)
 *   COST_PROFILE=1 npm run bench -- cost
 *     also prints the SQL statements of the measured load by total time (pg_stat_statements on
 *     the private server) and the Redis commands by calls; pg_stat_statements costs a little
 *     CPU itself, so profile and measure in separate runs.
 *   COST_CPU_PROF=<dir> npm run bench -- cost
 *     runs npm start's processes with node --cpu-prof, writing their profiles to <dir>.
 *   COST_NODE_FLAGS='--max-semi-space-size=32' npm run bench -- cost
 *     runs npm start's processes with those node flags as well.
 */
import { execFileSync } from 'node:child_process';
import { createDb, type Db } from '../src/db/knex';
import { createUser } from '../src/db/user-store';
import { createLink } from '../src/domain/links';
import { startPrivatePostgres, startPrivateRedis } from '../test/helpers/private-servers';
import { childMatching, treeCpuUs } from './lib/cpu';
import { load } from './lib/load';
import { freePort, runTs, stop, waitForHttp } from './lib/processes';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PROFILE = process.env.COST_PROFILE === '1';
const REPS = Number(process.env.REPS ?? 3);

/** The statements of the measured load, most total time first (COST_PROFILE=1). */
async function printStatements(db: Db, clicks: number): Promise<void> {
  const { rows } = await db.raw<{ rows: Array<{ calls: string; ms: number; plan_ms: number; rows: string; query: string }> }>(
    `SELECT calls, total_exec_time AS ms, total_plan_time AS plan_ms, rows, regexp_replace(query, '\\s+', ' ', 'g') AS query
     FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
  );
  console.log('\nSQL by total execution + planning time (pg_stat_statements), per counted click:');
  for (const r of rows) console.log(`  ${us((r.ms * 1000) / clicks)} + plan ${us((r.plan_ms * 1000) / clicks)}  ${String(r.calls).padStart(7)} calls ${String(r.rows).padStart(8)} rows  ${r.query.slice(0, 150)}`);
}

function printRedisCommands(port: number, clicks: number): void {
  const stats = execFileSync('redis-cli', ['-p', String(port), 'info', 'commandstats'], { encoding: 'utf8' });
  console.log('\nRedis commands (whole run), per counted click:');
  const lines = stats.split('\n').filter((l) => l.startsWith('cmdstat_'));
  const parsed = lines.map((l) => ({ name: l.slice(8, l.indexOf(':')), calls: Number(/calls=(\d+)/.exec(l)?.[1]), usec: Number(/usec=(\d+)/.exec(l)?.[1]) }));
  for (const c of parsed.sort((a, b) => b.usec - a.usec).slice(0, 12)) console.log(`  ${us(c.usec / clicks)}  ${String(c.calls).padStart(7)} calls  ${c.name}`);
}

async function settled(db: Db, linkId: number, answered: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    // Polled twice a second: these few queries are part of the PostgreSQL time measured.
    const counted = Number((await db('links').where({ id: linkId }).first('click_count'))?.click_count ?? 0);
    const [pending] = await db('click_rollup_pending').count({ n: '*' });
    const [rolled] = await db('link_daily_stats').where({ link_id: linkId }).sum({ n: 'clicks' });
    if (counted >= answered && Number(pending?.n) === 0 && Number(rolled?.n) === counted) return counted;
    if (Date.now() - started > 180_000) throw new Error(`not settled: ${counted} counted of ${answered}, rollups ${rolled?.n}, pending ${pending?.n}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const us = (n: number) => `${n.toFixed(1).padStart(6)} µs`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const [postgres, redis] = await Promise.all([startPrivatePostgres({ tls: false, settings: PROFILE ? ['shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track_planning=on'] : [] }), startPrivateRedis()]);
  const env = { DATABASE_URL: postgres.url, REDIS_URL: redis.url, REDIS_PREFIX: 'lt_cost', LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  let db: Db | undefined;
  let start: ReturnType<typeof runTs> | undefined;
  try {
    const barePort = await freePort();
    const bare = runTs('bench/lib/bare-302.ts', { PORT: String(barePort) });
    await waitForHttp(`http://127.0.0.1:${barePort}/`);
    load(`http://127.0.0.1:${barePort}/bench`, CONNECTIONS, 2);
    const bareCpu = (rate?: number) => {
      const before = treeCpuUs(bare.pid ?? 0);
      const result = load(`http://127.0.0.1:${barePort}/bench`, CONNECTIONS, SECONDS, rate);
      return { us: (treeCpuUs(bare.pid ?? 0) - before) / result.requests, rps: result.rps };
    };

    const port = await freePort();
    const cpuProf = process.env.COST_CPU_PROF;
    // npm start's children inherit the supervisor's node flags (bin/start.ts).
    const flags = [...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []), ...(process.env.COST_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
    start = runTs('src/bin/start.ts', { ...env, PORT: String(port) }, flags);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 120_000);
    db = createDb(postgres.url, { max: 1 });
    const user = await createUser(db, 'cost@example.com', 'enterprise');
    const link = await createLink(db, { user_id: user.id, destination_url: 'https://example.com/landing', short_code: 'bench' });
    const url = `http://127.0.0.1:${port}/bench`;
    const warm = load(url, CONNECTIONS, 2);
    await settled(db, link.id, warm.requests - warm.non3xx);

    const web = childMatching(start.pid ?? 0, 'web.ts') ?? 0;
    const worker = childMatching(start.pid ?? 0, 'worker.ts') ?? 0;
    const sample = () => ({ web: treeCpuUs(web), worker: treeCpuUs(worker), postgres: treeCpuUs(postgres.pid()), redis: treeCpuUs(redis.pid()) });
    type Part = keyof ReturnType<typeof sample>;
    const PARTS: Part[] = ['web', 'worker', 'postgres', 'redis'];
    if (PROFILE) {
      await db.raw('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await db.raw('SELECT pg_stat_statements_reset()');
    }
    const runs: Array<Record<Part | 'total' | 'bare' | 'bareAtRate' | 'rps' | 'share', number> & { cores: string }> = [];
    let profiledClicks = 0;
    for (let rep = 0; rep < REPS; rep++) {
      // Interleaved: the bare server as fast as it answers, npm start, the bare server at npm start's
      // rate (a server's CPU per request grows as its rate falls: fewer requests share a wake-up).
      const ceiling = bareCpu();
      // Counted clicks beyond what wrk saw are in-flight requests at its stop; the settle uses the count itself.
      const baseline = Number((await db('links').where({ id: link.id }).first('click_count'))?.click_count);
      const before = sample();
      const measured = load(url, CONNECTIONS, SECONDS);
      const endOfLoad = sample();
      const counted = (await settled(db, link.id, baseline + measured.requests - measured.non3xx)) - baseline;
      const after = sample();
      profiledClicks += counted;
      const atRate = bareCpu(measured.rps);
      const per = Object.fromEntries(PARTS.map((k) => [k, (after[k] - before[k]) / counted])) as Record<Part, number>;
      const total = PARTS.reduce((sum, k) => sum + per[k], 0);
      // Who had the cores while the load ran (the worker may finish its share after it).
      const cores = PARTS.map((k) => `${k} ${((endOfLoad[k] - before[k]) / (SECONDS * 1e6)).toFixed(2)}`).join(', ');
      runs.push({ ...per, total, bare: ceiling.us, bareAtRate: atRate.us, rps: measured.rps, share: measured.rps / ceiling.rps, cores });
      console.log(`run ${rep + 1}: ${measured.rps.toFixed(0)} req/s (${((measured.rps / ceiling.rps) * 100).toFixed(1)} % of the bare 302's ${ceiling.rps.toFixed(0)}, p99 ${measured.p99ms.toFixed(1)} ms), ${counted} clicks: ${PARTS.map((k) => `${k} ${per[k].toFixed(1)}`).join(', ')} = ${total.toFixed(1)} µs; bare 302 ${ceiling.us.toFixed(1)} µs (${atRate.us.toFixed(1)} at the same rate); cores during the load: ${cores}`);
    }
    if (PROFILE) {
      await printStatements(db, profiledClicks);
      printRedisCommands(redis.port, profiledClicks);
    }
    await stop(start);
    await stop(bare);

    const med = (k: Part | 'total' | 'bare' | 'bareAtRate' | 'rps' | 'share') => median(runs.map((r) => r[k]));
    const ratio = median(runs.map((r) => r.total / r.bare));
    const ratioAtRate = median(runs.map((r) => r.total / r.bareAtRate));
    console.log(`\nCPU per counted click under npm start (${CONNECTIONS} connections, ${SECONDS} s a run, median of ${REPS} runs, ${med('rps').toFixed(0)} req/s = ${(med('share') * 100).toFixed(1)} % of the bare 302's; every click counted and rolled up)`);
    for (const k of PARTS) console.log(`  ${k.padEnd(8)} ${us(med(k))}`);
    console.log(`  total    ${us(med('total'))}  -> ${(1e6 / med('total')).toFixed(0)} counted clicks per second per core (target ≤ 40 µs, set where the bare 302 cost 11–13 µs: about 3.3x)`);
    console.log(`bare 302   ${us(med('bare'))} per request -> ${(1e6 / med('bare')).toFixed(0)} per second per core (as fast as it answers)`);
    console.log(`           ${us(med('bareAtRate'))} per request at npm start's rate`);
    console.log(`ratio      ${ratio.toFixed(1)}x the bare 302's CPU per request; ${ratioAtRate.toFixed(1)}x at the same rate (medians of each run's ratio)`);
  } finally {
    if (start) await stop(start);
    await db?.destroy();
    await Promise.all([postgres.stop(), redis.stop()]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
