/**
 * npm run bench -- install-analytics (or: npx tsx bench/install-analytics.ts)
 *
 * One package with a year of installs (INSTALLS sessions of two events each, spread over 366
 * days, from IPS addresses) in a throwaway database: how long the rollups take to rebuild, how
 * fast the analytics endpoint answers from them, and how many badge requests a web process serves.
 */
import { performance } from 'node:perf_hooks';
import { utcDay } from '../src/lib/days';
import { catchUpInstallRollups, rollupInstalls } from '../src/workers/rollup-installs';
import { createAccount } from '../test/helpers/accounts';
import { startStack } from '../test/helpers/stack';
import { createRunDatabase, dropRunDatabase } from '../test/helpers/test-database';

const INSTALLS = Number(process.env.INSTALLS ?? 200_000);
const IPS = Number(process.env.IPS ?? 50_000);
const BADGE_REQUESTS = 20_000;
const CONCURRENCY = 50;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL = 'silent';
  process.env.REDIS_PREFIX = `lt_bench_${process.pid}`;
  process.env.DATABASE_URL = await createRunDatabase();
  const stack = await startStack();
  try {
    const { services } = stack;
    const account = await createAccount(services);
    const [pkg] = await services.db('packages')
      .insert({ user_id: account.user.id, slug: 'bench-pkg', display_name: 'Bench', git_platform: 'github', git_owner: 'o', git_repo: 'r', total_installs: INSTALLS })
      .returning(['id']);
    const packageId = (pkg as { id: number }).id;
    const [, seedMs] = await timed(() =>
      services.db.raw(
        `INSERT INTO install_events (event_id, package_id, occurred_at, event_type, session_id, hashed_ip, country_code, os)
         SELECT gen_random_uuid(), ?, at + (k * interval '2 seconds'), CASE k WHEN 0 THEN 'clone_start' ELSE 'fetch_objects' END,
                'sess_' || s, md5((s % ?)::text) || md5((s % ?)::text),
                (ARRAY['US','DE','GB','FR','JP'])[1 + s % 5], (ARRAY['windows','macos','linux'])[1 + s % 3]
         FROM generate_series(1, ?) AS s,
              LATERAL (SELECT now() - ((s::bigint * 7919 % 366) * interval '1 day') - ((s::bigint * 104729 % 86400) * interval '1 second') AS at) t,
              generate_series(0, 1) AS k`,
        [packageId, IPS, IPS, INSTALLS],
      ),
    );
    console.log(`seeded ${INSTALLS} installs (${INSTALLS * 2} events, ${IPS} addresses) in ${(seedMs / 1000).toFixed(1)} s`);

    const [rows, backfillMs] = await timed(() => catchUpInstallRollups(services, { days: 367 }));
    console.log(`backfill: ${rows} daily rows recomputed in ${backfillMs.toFixed(0)} ms`);
    const [, catchUpMs] = await timed(() => catchUpInstallRollups(services, { days: 3 }));
    console.log(`periodic catch-up (3 days): ${catchUpMs.toFixed(0)} ms`);
    const [, dayMs] = await timed(() => rollupInstalls(services, { packageId, day: utcDay(new Date(Date.now() - 86_400_000)) }));
    console.log(`one rollup-installs job (a day and the next): ${dayMs.toFixed(0)} ms`);

    for (const days of [30, 365]) {
      const times: number[] = [];
      let body: { totals?: { installs: number; unique_ips: number } } = {};
      for (let i = 0; i < 20; i++) {
        const [res, ms] = await timed(() => fetch(stack.url(`/api/v1/packages/bench-pkg/analytics?days=${days}`), { headers: account.auth }));
        body = (await res.json()) as typeof body;
        times.push(ms);
      }
      console.log(`GET analytics?days=${days}: median ${median(times).toFixed(1)} ms over 20 (totals ${JSON.stringify(body.totals)})`);
    }

    let next = 0;
    const [, badgeMs] = await timed(() =>
      Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next++ < BADGE_REQUESTS) await (await fetch(stack.url('/badge/bench-pkg.svg?style=upm'))).text();
        }),
      ),
    );
    console.log(`badge: ${BADGE_REQUESTS} requests, ${CONCURRENCY} concurrent, ${Math.round(BADGE_REQUESTS / (badgeMs / 1000))} req/s`);
  } finally {
    await stack.stop();
    await dropRunDatabase(process.env.DATABASE_URL);
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
