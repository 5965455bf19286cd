/**
 * The CPU cost of one counted click, end to end: `npm start`'s processes (web, worker), the
 * PostgreSQL backends and Redis, read from /proc before and after a fixed-length wrk run, until
 * every click is stored and rolled up — beside the bare Node 302 server's CPU per request in the
 * same run. PostgreSQL and Redis are private servers started for the run, so their CPU time is
 * this run's alone.
 *
 *   npm run bench -- cost            (CONNECTIONS=50 BENCH_SECONDS=10 by default)
 */
import { createDb, type Db } from '../src/db/knex';
import { createUser } from '../src/db/user-store';
import { createLink } from '../src/domain/links';
import { startPrivatePostgres, startPrivateRedis } from '../test/helpers/private-servers';
import { childMatching, treeCpuUs } from './lib/cpu';
import { load } from './lib/load';
import { freePort, runTs, stop, waitForHttp } from './lib/processes';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

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
  const [postgres, redis] = await Promise.all([startPrivatePostgres({ tls: false }), startPrivateRedis()]);
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
    await stop(bare);

    const port = await freePort();
    start = runTs('src/bin/start.ts', { ...env, PORT: String(port) });
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
    const before = sample();
    const measured = load(url, CONNECTIONS, SECONDS);
    answered = baseline + measured.requests - measured.non3xx;
    const counted = (await settled(db, link.id, answered)) - baseline;
    const after = sample();
    await stop(start);

    const per = (k: keyof typeof before) => (after[k] - before[k]) / counted;
    const parts = { web: per('web'), worker: per('worker'), postgres: per('postgres'), redis: per('redis') };
    const total = parts.web + parts.worker + parts.postgres + parts.redis;
    console.log(`\nCPU per counted click under npm start (${CONNECTIONS} connections, ${SECONDS} s, ${measured.rps.toFixed(0)} req/s, ${counted} clicks counted and rolled up)`);
    console.log(`  web      ${us(parts.web)}`);
    console.log(`  worker   ${us(parts.worker)}`);
    console.log(`  postgres ${us(parts.postgres)}`);
    console.log(`  redis    ${us(parts.redis)}`);
    console.log(`  total    ${us(total)}  -> ${(1e6 / total).toFixed(0)} counted clicks per second per core (target ≤ 40 µs)`);
    console.log(`bare 302   ${us(bareUs)} per request -> ${(1e6 / bareUs).toFixed(0)} per second per core (${ceiling.rps.toFixed(0)} req/s)`);
    console.log(`ratio      ${(total / bareUs).toFixed(1)}x the bare 302's CPU per request`);
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
