/**
 * The CPU cost of one counted click, end to end: `npm start`'s processes (web, worker), the
 * PostgreSQL backends and Redis, read from /proc before and after a fixed-length wrk run, until
 * every click is stored and rolled up — beside the bare Node 302 server's CPU per request in the
 * same run. PostgreSQL and Redis are private servers started for the run, so their CPU time is
 * this run's alone.
 *
 *   npm run bench -- cost            (CONNECTIONS=50 BENCH_SECONDS=10 by default)
 *   COST_PROFILE=1 npm run bench -- cost
 *     also prints the SQL statements of the measured load by total time (pg_stat_statements on
 *     the private server) and the Redis commands by calls; pg_stat_statements costs a little
 *     CPU itself, so profile and measure in separate runs.
 *   COST_CPU_PROF=<dir> npm run bench -- cost
 *     runs npm start's processes with node --cpu-prof, writing their profiles to <dir>.
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
    const bareBefore = treeCpuUs(bare.pid ?? 0);
    const ceiling = load(`http://127.0.0.1:${barePort}/bench`, CONNECTIONS, SECONDS);
    const bareUs = (treeCpuUs(bare.pid ?? 0) - bareBefore) / ceiling.requests;

    const port = await freePort();
    const cpuProf = process.env.COST_CPU_PROF;
    start = runTs('src/bin/start.ts', { ...env, PORT: String(port) }, cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : []);
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, 120_000);
    db = createDb(postgres.url, { max: 1 });
    const user = await createUser(db, 'cost@example.com', 'enterprise');
    const link = await createLink(db, { user_id: user.id, destination_url: 'https://example.com/landing', short_code: 'bench' });
    const url = `http://127.0.0.1:${port}/bench`;
    const warm = load(url, CONNECTIONS, 2);
    let answered = warm.requests - warm.non3xx;
    await settled(db, link.id, answered);
    // Counted clicks beyond what wrk saw are in-flight requests at its stop; the settle uses the count itself.
    const baseline = Number((await db('links').where({ id: link.id }).first('click_count'))?.click_count);

    const web = childMatching(start.pid ?? 0, 'web.ts') ?? 0;
    const worker = childMatching(start.pid ?? 0, 'worker.ts') ?? 0;
    const sample = () => ({ web: treeCpuUs(web), worker: treeCpuUs(worker), postgres: treeCpuUs(postgres.pid()), redis: treeCpuUs(redis.pid()) });
    if (PROFILE) {
      await db.raw('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await db.raw('SELECT pg_stat_statements_reset()');
    }
    const before = sample();
    const measured = load(url, CONNECTIONS, SECONDS);
    answered = baseline + measured.requests - measured.non3xx;
    const counted = (await settled(db, link.id, answered)) - baseline;
    const after = sample();
    if (PROFILE) {
      await printStatements(db, counted);
      printRedisCommands(redis.port, counted);
    }
    await stop(start);
    // The bare server once more, driven at the rate npm start answered: a server's CPU per request
    // grows as its rate falls (fewer requests share each wake-up), so this is the like-for-like ceiling.
    const bareAtRateBefore = treeCpuUs(bare.pid ?? 0);
    const atRate = load(`http://127.0.0.1:${barePort}/bench`, CONNECTIONS, SECONDS, measured.rps);
    const bareAtRateUs = (treeCpuUs(bare.pid ?? 0) - bareAtRateBefore) / atRate.requests;
    await stop(bare);

    const per = (k: keyof typeof before) => (after[k] - before[k]) / counted;
    const parts = { web: per('web'), worker: per('worker'), postgres: per('postgres'), redis: per('redis') };
    const total = parts.web + parts.worker + parts.postgres + parts.redis;
    console.log(`\nCPU per counted click under npm start (${CONNECTIONS} connections, ${SECONDS} s, ${measured.rps.toFixed(0)} req/s, ${counted} clicks counted and rolled up)`);
    console.log(`  web      ${us(parts.web)}`);
    console.log(`  worker   ${us(parts.worker)}`);
    console.log(`  postgres ${us(parts.postgres)}`);
    console.log(`  redis    ${us(parts.redis)}`);
    console.log(`  total    ${us(total)}  -> ${(1e6 / total).toFixed(0)} counted clicks per second per core (target ≤ 40 µs, set where the bare 302 cost 11–13 µs: about 3.3x)`);
    console.log(`bare 302   ${us(bareUs)} per request -> ${(1e6 / bareUs).toFixed(0)} per second per core (${ceiling.rps.toFixed(0)} req/s, as fast as it answers)`);
    console.log(`           ${us(bareAtRateUs)} per request at npm start's rate (${atRate.rps.toFixed(0)} req/s)`);
    console.log(`ratio      ${(total / bareUs).toFixed(1)}x the bare 302's CPU per request; ${(total / bareAtRateUs).toFixed(1)}x at the same rate`);
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
