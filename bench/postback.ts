/**
 * Conversion postback throughput: POST /api/conversions/track/:token against a real web
 * server on a scratch database seeded with 20,000 clicks from 5,000 visitors. The load comes
 * from autocannon in a child process (so it does not share the server's event loop), every
 * request with a fresh order_id (autocannon -I), so each one attributes and inserts.
 *
 *   npx tsx bench/postback.ts            # DURATION=10 CONNECTIONS=20 to change the run
 *
 * Scenarios: automatic attribution by ip + ua (the index lookup a postback without a click id
 * pays), explicit attribution by click_id, and a visitor with no click (the lookup misses).
 * Results print as a Markdown table for BENCHMARKS.md.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config';
import { storeClicks, type ClickRow } from '../src/db/click-store';
import { insertGoal } from '../src/db/conversion-goal-store';
import { ensureDatabase } from '../src/db/ensure-database';
import { createDb } from '../src/db/knex';
import { insertLink } from '../src/db/link-store';
import { migrateLatest } from '../src/db/migrate';
import { createUser } from '../src/db/user-store';
import { mintPostbackToken } from '../src/lib/postback-tokens';
import { closeServices, createServices } from '../src/services';
import { hashIp, hashUserAgent } from '../src/lib/visitor-hash';
import { startWeb } from '../src/web';

const run = promisify(execFile);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/linktally_bench_postback';
const DURATION = Number(process.env.DURATION ?? 10);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 20);
const VISITORS = 5000;
const CLICKS = 20_000;
const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const env = { ...process.env, DATABASE_URL, LOG_LEVEL: 'warn', REDIS_PREFIX: 'lt_bench_postback', APP_SECRET: 'bench-secret-bench-secret-bench-secret-01' };

function visitorIp(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

async function seed(appSecret: string): Promise<{ token: string; clickId: number }> {
  await ensureDatabase(DATABASE_URL);
  const db = createDb(DATABASE_URL, { max: 4 });
  await migrateLatest(db);
  await db.raw('TRUNCATE users, links, clicks, conversion_goals, conversions RESTART IDENTITY CASCADE');
  const user = await createUser(db, 'bench@example.com', 'pro');
  const links = await Promise.all(Array.from({ length: 10 }, (_, i) => insertLink(db, { user_id: user.id, short_code: `bench${i}`, destination_url: 'https://shop.example/' })));
  const now = Date.now();
  const rows: ClickRow[] = Array.from({ length: CLICKS }, (_, i) => ({
    event_id: randomUUID(),
    link_id: links[i % links.length]!.id,
    user_id: user.id,
    variant_id: null,
    trigger: 'link',
    rule_id: null,
    clicked_at: new Date(now - ((i * 7919) % (5 * 24 * 3600)) * 1000),
    hashed_ip: hashIp(appSecret, visitorIp(i % VISITORS)),
    hashed_user_agent: hashUserAgent(appSecret, UA),
    referrer_domain: null,
    country_code: null,
    city: null,
    device_type: 'desktop',
    browser_family: 'Chrome',
    os_family: 'macOS',
    is_bot: false,
  }));
  let clickId = 0;
  for (let i = 0; i < rows.length; i += 1000) clickId = (await storeClicks(db, rows.slice(i, i + 1000)))[0]?.id ?? clickId;
  const minted = mintPostbackToken();
  await insertGoal(db, user.id, { name: 'Purchase', default_value: 10, currency: 'USD', active: true }, { hash: minted.hash, prefix: minted.prefix });
  await db.raw('ANALYZE clicks');
  await db.destroy();
  return { token: minted.token, clickId };
}

interface Row {
  scenario: string;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(scenario: string, url: string, body: object, seconds = DURATION): Promise<Row> {
  const json = JSON.stringify({ order_id: `${scenario}-[<id>]`, ...body });
  const { stdout } = await run(
    process.execPath,
    [require.resolve('autocannon/autocannon.js'), '-j', '-I', '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', json, url],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number };
  return { scenario, requests: r.requests.total, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
}

async function main(): Promise<void> {
  const config = loadConfig(env);
  const { token, clickId } = await seed(config.appSecret);
  const services = createServices(config, { dbPoolMax: 10 });
  const web = await startWeb(services, { port: 0 });
  const url = `http://127.0.0.1:${web.port}/api/conversions/track/${token}`;
  try {
    // Warm-up (JIT, connection pool, plan caches), not reported.
    await load('warmup', url, { value: 1, ip: visitorIp(1), ua: UA }, 3);
    const rows = [
      await load('ip+ua', url, { value: 19.99, ip: visitorIp(1234), ua: UA }),
      await load('click_id', url, { value: 19.99, click_id: clickId, ip: '192.0.2.1' }),
      await load('no-match', url, { value: 19.99, ip: '192.0.2.1', ua: UA }),
    ];
    console.log(`\npostback: ${CONNECTIONS} connections, ${DURATION} s per scenario, ${CLICKS} clicks / ${VISITORS} visitors seeded\n`);
    console.log('| scenario | requests | req/s | p50 ms | p99 ms | non-2xx |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.scenario} | ${r.requests} | ${r.rps} | ${r.p50} | ${r.p99} | ${r.non2xx} |`);
    const counts = await services.db('conversions').select('attributed').count({ n: '*' }).groupBy('attributed');
    console.log(`\nconversions stored: ${JSON.stringify(counts)}`);
  } finally {
    await web.close(1000);
    await closeServices(services);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
