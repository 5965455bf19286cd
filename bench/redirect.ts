/**
 * Redirect throughput: GET /:short_code on the real web process against a bare Node server
 * that answers a fixed 302 (the ceiling), same load generator, same port range, same run.
 * Then a worker drains the queue and the clicks stored must match the redirects answered.
 * Then the same web process under the same load for a link with ten targeting rules, none of
 * which matches the load generator (so all ten are tried, the user agent parsed and the address
 * located), then the link without rules again: the rules must be at most 10% slower than the
 * mean of the two runs around theirs.
 * Last, the same load against `npm start`'s topology (the supervisor: WEB_CONCURRENCY web
 * processes and a worker process running at once, as a user runs it), compared with the ceiling
 * measured again just before it. Its worker holds back while the web is saturated
 * (WORKER_YIELD_MS), so the clicks are counted after the load.
 *
 *   npm run bench -- redirect        (CONNECTIONS=50 BENCH_SECONDS=10 by default)
 */
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { loadSettings } from '../src/config';
import { createDb, type Db } from '../src/db/knex';
import { issueToken } from '../src/db/token-store';
import { createUser } from '../src/db/user-store';
import { createLink } from '../src/domain/links';
import { replaceLinkRules, type NewLinkRule } from '../src/db/link-rule-store';
import { SCOPES } from '../src/lib/tokens';
import { createRunDatabase, dropRunDatabase } from '../test/helpers/test-database';
import { load, type LoadResult } from './lib/load';
import { freePort, runTs, stop, waitForHttp } from './lib/processes';
import { treeCpuUs } from './lib/cpu';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

function row(name: string, r: LoadResult): string {
  return `${name.padEnd(12)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50ms.toFixed(2)} ms   p99 ${r.p99ms.toFixed(2)} ms   (${r.requests} requests, ${r.tool})`;
}

async function clickCount(db: Db, linkId: number): Promise<number> {
  return Number((await db('links').where({ id: linkId }).first('click_count'))?.click_count ?? 0);
}

/** Waits until `answered` clicks are counted (or two minutes pass), then lets the queue settle. */
async function countedAfter(db: Db, linkId: number, answered: number): Promise<{ counted: number; drainSeconds: number }> {
  const started = Date.now();
  while (Date.now() - started < 120_000 && (await clickCount(db, linkId)) < answered) await new Promise((r) => setTimeout(r, 200));
  // Settle: nothing further may arrive once the queue is empty.
  await new Promise((r) => setTimeout(r, 500));
  return { counted: await clickCount(db, linkId), drainSeconds: (Date.now() - started) / 1000 };
}

async function npmStartPhase(env: Record<string, string>, db: Db, userId: number) {
  const link = await createLink(db, { user_id: userId, destination_url: 'https://example.com/landing', short_code: 'bench-start' });
  const port = await freePort();
  const start = runTs('src/bin/start.ts', { ...env, PORT: String(port) });
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, 120_000);
  const webProcesses = loadSettings({ ...process.env, ...env }).webConcurrencyBesideWorkers;
  const url = `http://127.0.0.1:${port}/bench-start`;
  const warm = load(url, CONNECTIONS, 2);
  const result = load(url, CONNECTIONS, SECONDS);
  const answered = warm.requests - warm.non3xx + result.requests - result.non3xx;
  const { counted, drainSeconds } = await countedAfter(db, link.id, answered);
  await stop(start);
  return { result, answered, counted, drainSeconds, webProcesses };
}

/** Ten rules that the load generator (no Accept-Language, a loopback address, no query) never matches. */
const TEN_RULES: NewLinkRule[] = [
  { name: null, conditions: { device: ['tablet'] }, destination_url: 'https://example.com/1' },
  { name: null, conditions: { os: ['iOS', 'Android'] }, destination_url: 'https://example.com/2' },
  { name: null, conditions: { browser: ['Firefox'] }, destination_url: 'https://example.com/3' },
  { name: null, conditions: { language: ['de', 'fr'] }, destination_url: 'https://example.com/4' },
  { name: null, conditions: { query: { name: 'src', value: 'tw' } }, destination_url: 'https://example.com/5' },
  { name: null, conditions: { starts_at: '2099-01-01T00:00:00.000Z' }, destination_url: 'https://example.com/6' },
  { name: null, conditions: { device: ['mobile'], language: ['es'] }, destination_url: 'https://example.com/7' },
  { name: null, conditions: { language: ['ja'], query: { name: 'x', value: '1' } }, destination_url: 'https://example.com/8' },
  { name: null, conditions: { browser: ['Safari'], os: ['macOS'] }, destination_url: 'https://example.com/9' },
  { name: null, conditions: { country: ['GB', 'US'] }, destination_url: 'https://example.com/10' },
];

async function main(): Promise<void> {
  const databaseUrl = await createRunDatabase();
  const prefix = `lt_bench_${process.pid}`;
  const env = { DATABASE_URL: databaseUrl, REDIS_PREFIX: prefix, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  const db = createDb(databaseUrl);
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  let bare: ChildProcess | undefined;
  try {
    const user = await createUser(db, 'bench@example.com', 'enterprise');
    await issueToken(db, user.id, SCOPES);
    const link = await createLink(db, { user_id: user.id, destination_url: 'https://example.com/landing', short_code: 'bench' });
    const ruled = await createLink(db, { user_id: user.id, destination_url: 'https://example.com/landing', short_code: 'bench-rules' });
    await replaceLinkRules(db, ruled.id, TEN_RULES);

    const barePort = await freePort();
    bare = runTs('bench/lib/bare-302.ts', { PORT: String(barePort) });
    await waitForHttp(`http://127.0.0.1:${barePort}/`);
    load(`http://127.0.0.1:${barePort}/bench`, CONNECTIONS, 2); // warm-up
    const ceiling = load(`http://127.0.0.1:${barePort}/bench`, CONNECTIONS, SECONDS);

    const webPort = await freePort();
    const web = runTs('src/bin/web.ts', { ...env, PORT: String(webPort) });
    await waitForHttp(`http://127.0.0.1:${webPort}/healthz`);
    const warm = load(`http://127.0.0.1:${webPort}/bench`, CONNECTIONS, 2);
    // The web process's own CPU per answered request beside req/s: less at the mercy of other load on the machine.
    let cpuBefore = treeCpuUs(web.pid as number);
    const measured = load(`http://127.0.0.1:${webPort}/bench`, CONNECTIONS, SECONDS);
    const plainCpuUs = (treeCpuUs(web.pid as number) - cpuBefore) / measured.requests;
    load(`http://127.0.0.1:${webPort}/bench-rules`, CONNECTIONS, 2); // warm-up (geoip loads on first use)
    cpuBefore = treeCpuUs(web.pid as number);
    const withRules = load(`http://127.0.0.1:${webPort}/bench-rules`, CONNECTIONS, SECONDS);
    const rulesCpuUs = (treeCpuUs(web.pid as number) - cpuBefore) / withRules.requests;
    // The link without rules once more, after: the rules are compared with the mean of the runs on
    // either side of theirs (A-B-A), so that a drift over the process's life (heap, a queue growing
    // in Redis with no worker) is not charged to whichever phase comes second.
    cpuBefore = treeCpuUs(web.pid as number);
    const measuredAfter = load(`http://127.0.0.1:${webPort}/bench`, CONNECTIONS, SECONDS);
    const plainAfterCpuUs = (treeCpuUs(web.pid as number) - cpuBefore) / measuredAfter.requests;
    await stop(web); // SIGTERM flushes the click buffer to the queue

    // Drained after the load so the worker does not compete with the web process for the 2 cores.
    const worker = runTs('src/bin/worker.ts', { ...env, LOG_LEVEL: process.env.WORKER_LOG_LEVEL ?? 'warn' });
    const answered = warm.requests - warm.non3xx + measured.requests - measured.non3xx + measuredAfter.requests - measuredAfter.non3xx;
    const { counted, drainSeconds } = await countedAfter(db, link.id, answered);
    await stop(worker);

    // The ceiling again just before npm start: this machine's speed drifts over the minutes the
    // phases above take, so npm start is compared with the ceiling measured next to it.
    const startCeiling = load(`http://127.0.0.1:${barePort}/bench`, CONNECTIONS, SECONDS);
    await stop(bare);
    // npm start as a user runs it: web and workers at once, the clicks counted while it serves.
    const topology = await npmStartPhase(env, db, user.id);
    const ratio = measured.rps / ceiling.rps;
    console.log(`\nGET /:short_code, ${CONNECTIONS} connections, ${SECONDS} s, 1 thread load generator`);
    console.log(row('bare 302', ceiling));
    console.log(row('web alone', measured));
    console.log(row('10 rules', withRules));
    console.log(row('web, again', measuredAfter));
    console.log(row('bare, again', startCeiling));
    console.log(row('npm start', topology.result));
    console.log(`ratio        web alone ${(ratio * 100).toFixed(1)}% of the ceiling (target ≥ 60%), p99 ${measured.p99ms.toFixed(2)} ms (target < 10 ms)`);
    console.log(`             npm start ${((topology.result.rps / startCeiling.rps) * 100).toFixed(1)}% of the ceiling measured before it (target ≥ 45%), p99 ${topology.result.p99ms.toFixed(2)} ms (target < 10 ms), ${topology.webProcesses} web process${topology.webProcesses === 1 ? "" : "es"} + worker`);
    // wrk counts responses it read; requests still in flight when it stops may have been answered
    // (and counted by us) without being counted by wrk, at most one per connection per run.
    const slack = 3 * CONNECTIONS;
    const ok = counted >= answered && counted <= answered + slack;
    console.log(`clicks       ${counted} counted for ${answered} redirects wrk saw answered (allowed in-flight slack ${slack}); drained in ${drainSeconds.toFixed(1)} s -> ${ok ? 'OK' : 'MISMATCH'}`);
    const ok2 = topology.counted >= topology.answered && topology.counted <= topology.answered + 2 * CONNECTIONS;
    console.log(`clicks       npm start: ${topology.counted} counted for ${topology.answered} answered, all counted ${topology.drainSeconds.toFixed(1)} s after the load -> ${ok2 ? 'OK' : 'MISMATCH'}`);
    const plainRps = (measured.rps + measuredAfter.rps) / 2;
    const plainMeanCpuUs = (plainCpuUs + plainAfterCpuUs) / 2;
    const rulesRatio = withRules.rps / plainRps;
    console.log(`rules        a link with ten rules at ${(rulesRatio * 100).toFixed(1)}% of the link without (mean of the runs before and after; target ≥ 90%), p99 ${withRules.p99ms.toFixed(2)} ms`);
    console.log(`             web CPU per request ${plainCpuUs.toFixed(1)} / ${plainAfterCpuUs.toFixed(1)} µs without rules (before / after), ${rulesCpuUs.toFixed(1)} µs with ten (${((plainMeanCpuUs / rulesCpuUs) * 100).toFixed(1)}%)`);
    if (!ok || !ok2) process.exitCode = 1;
  } finally {
    if (bare) await stop(bare);
    await db.destroy();
    const keys = await redis.keys(`*${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await dropRunDatabase(databaseUrl);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
