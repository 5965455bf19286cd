/**
 * npm run bench -- directory (or: npx tsx bench/directory.ts)
 *
 * The public package directory over PACKAGES public packages (default 100,000) in a throwaway
 * database: p50/p95 of GET /api/directory as the pkglnk editor client calls it (the first page,
 * a deep page, a topic, and searches from common to rare), one request at a time, beside a bare
 * Node server answering a fixed body of the same size (the ceiling of HTTP + JSON alone); then the
 * page for people, GET /directory, and a package page, GET /pkg/{slug}, rendered on every request
 * (their minute-long cache turned off). Targets: search p95 < 30 ms, package page p95 < 50 ms.
 */
import { performance } from 'node:perf_hooks';
import { createAccount } from '../test/helpers/accounts';
import { startStack } from '../test/helpers/stack';
import { createRunDatabase, dropRunDatabase } from '../test/helpers/test-database';
import { freePort, runTs, stop, waitForHttp } from './lib/processes';

const PACKAGES = Number(process.env.PACKAGES ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const SEARCH_TARGET_MS = 30;
const PACKAGE_PAGE_TARGET_MS = 50;

const WORDS = ['service', 'locator', 'tween', 'animation', 'input', 'audio', 'pool', 'event', 'bus', 'ui', 'toolkit', 'shader', 'mesh', 'save', 'json', 'network', 'camera', 'editor', 'timeline', 'state'];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

async function measure(url: string): Promise<{ p50: number; p95: number; bytes: number; status: number; total?: number }> {
  const times: number[] = [];
  let bytes = 0;
  let status = 0;
  let text = '';
  for (let i = 0; i < 20; i++) await (await fetch(url)).arrayBuffer(); // warm-up
  for (let i = 0; i < REQUESTS; i++) {
    const start = performance.now();
    const res = await fetch(url, { headers: { 'User-Agent': 'pkglnk-unity/0.1' } });
    text = await res.text();
    times.push(performance.now() - start);
    status = res.status;
    bytes = Buffer.byteLength(text);
  }
  const total = text.startsWith('{"packages"') ? (JSON.parse(text) as { totalCount?: number }).totalCount : undefined;
  return { p50: percentile(times, 0.5), p95: percentile(times, 0.95), bytes, status, total };
}

function row(name: string, r: { p50: number; p95: number; bytes: number; total?: number }): string {
  return `${name.padEnd(34)} p50 ${r.p50.toFixed(2).padStart(6)} ms   p95 ${r.p95.toFixed(2).padStart(6)} ms   ${String(r.bytes).padStart(6)} B${r.total === undefined ? '' : `   ${r.total} matches`}`;
}

async function main(): Promise<void> {
  process.env.LOG_LEVEL = 'silent';
  process.env.APP_SECRET ??= 'bench-secret-bench-secret-bench-secret-01';
  process.env.REDIS_PREFIX = `lt_bench_${process.pid}`;
  process.env.DATABASE_URL = await createRunDatabase();
  // Page cache off: the page rows measure the query and the render, not a cache hit. Every request
  // is still counted against the address allowances (one Redis INCR), set out of reach here: the
  // whole run comes from one address.
  const stack = await startStack({ web: { sitePageTtlMs: 0 }, env: { PUBLIC_API_PER_MINUTE: '10000000', PUBLIC_PAGES_PER_MINUTE: '10000000' } });
  try {
    const { services } = stack;
    const owner = await createAccount(services);
    const started = performance.now();
    // Names, topics and descriptions from a small vocabulary, so searches match many or few rows as real ones do.
    await services.db.raw(
      `INSERT INTO packages (user_id, slug, display_name, description, git_platform, git_owner, git_repo, topics, total_installs, package_json_name, created_at)
       SELECT ?, 'pkg-' || s, initcap(w1) || ' ' || initcap(w2) || ' ' || s, 'A ' || w2 || ' for ' || w3 || ' projects, number ' || s,
              'github', 'owner' || (s % 997), 'repo-' || s, ARRAY[w1, w3], (s * 7919) % 50000, 'com.owner' || (s % 997) || '.' || w1 || s,
              now() - (s || ' minutes')::interval
       FROM generate_series(1, ?) AS s,
            LATERAL (SELECT (?::text[])[1 + s % 20] AS w1, (?::text[])[1 + (s / 20) % 20] AS w2, (?::text[])[1 + (s / 400) % 20] AS w3) w`,
      [owner.user.id, PACKAGES, WORDS, WORDS, WORDS],
    );
    // As autovacuum leaves a settled table: statistics, and the visibility map index-only counts need.
    await services.db.raw('VACUUM ANALYZE packages');
    console.log(`seeded ${PACKAGES} public packages in ${((performance.now() - started) / 1000).toFixed(1)} s; ${REQUESTS} sequential requests per row`);

    const barePort = await freePort();
    const cases: Array<[string, string]> = [
      ['list, first page (limit 40)', '/api/directory?page=1&limit=40'],
      ['list, page 100', '/api/directory?page=100&limit=40'],
      ['list, recent first', '/api/directory?page=1&limit=40&sort=recent'],
      ['topic=shader', '/api/directory?page=1&limit=40&topic=shader'],
      ['search q=tween (common)', '/api/directory?page=1&limit=40&q=tween'],
      ['search q=serv loc (two prefixes)', '/api/directory?page=1&limit=40&q=serv%20loc'],
      ['search q=com.owner12 (package name)', '/api/directory?page=1&limit=40&q=com.owner12'],
      ['search q=4242 (rare)', '/api/directory?page=1&limit=40&q=4242'],
      ['search + topic', '/api/directory?page=1&limit=40&q=audio&topic=editor'],
      ['page /directory (uncached)', '/directory'],
      ['page /directory?page=100', '/directory?page=100'],
      ['page ?topic=shader&sort=recent', '/directory?topic=shader&sort=recent'],
      ['page ?q=serv loc', '/directory?q=serv%20loc'],
      ['page ?q=4242', '/directory?q=4242'],
      ['page /pkg/{slug} (uncached)', '/pkg/pkg-4242'],
    ];
    const results = [];
    for (const [name, path] of cases) {
      const r = await measure(stack.url(path));
      if (r.status !== 200) throw new Error(`${path} answered ${r.status}`);
      results.push([name, r] as const);
    }
    const bytes = results[0]?.[1].bytes ?? 1000;
    const bare = runTs('bench/lib/bare-json.ts', { PORT: String(barePort), BODY_BYTES: String(bytes) });
    await waitForHttp(`http://127.0.0.1:${barePort}/`);
    const ceiling = await measure(`http://127.0.0.1:${barePort}/`);
    await stop(bare);

    console.log(row(`bare node JSON (${bytes} B)`, ceiling));
    for (const [name, r] of results) console.log(row(name, r));
    const worstSearch = Math.max(...results.filter(([name]) => name.startsWith('search')).map(([, r]) => r.p95));
    console.log(`worst search p95 ${worstSearch.toFixed(2)} ms (target < ${SEARCH_TARGET_MS} ms): ${worstSearch < SEARCH_TARGET_MS ? 'met' : 'MISSED'}`);
    const packagePage = results.find(([name]) => name.startsWith('page /pkg/'))?.[1].p95 ?? Number.NaN;
    console.log(`package page p95 ${packagePage.toFixed(2)} ms (target < ${PACKAGE_PAGE_TARGET_MS} ms): ${packagePage < PACKAGE_PAGE_TARGET_MS ? 'met' : 'MISSED'}`);
  } finally {
    await stack.stop();
    await dropRunDatabase(process.env.DATABASE_URL);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
