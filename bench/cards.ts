/**
 * The public package side's speed: GET /card/{slug}.svg on the real web process against a bare
 * Node server's fixed answer (the ceiling), same load generator, same run (target ≥ 5,000 req/s);
 * then the package page GET /pkg/{slug}: under load (cached, as nearly every visit is), and
 * uncached — one request to each of 200 packages never asked for before, each a full render
 * (database reads, the chart, the page around the README the worker rendered) — p95 (target < 50 ms).
 *
 *   npm run bench -- cards          (CONNECTIONS=50 BENCH_SECONDS=10 by default)
 */
import { createDb } from '../src/db/knex';
import { insertPackage } from '../src/db/package-store';
import { createUser } from '../src/db/user-store';
import { utcDay, DAY_MS } from '../src/lib/days';
import { renderReadme } from '../src/lib/readme-html';
import { createRunDatabase, dropRunDatabase } from '../test/helpers/test-database';
import { load, type LoadResult } from './lib/load';
import { freePort, runTs, stop, waitForHttp } from './lib/processes';

const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PAGES = 200;

function row(name: string, r: LoadResult): string {
  return `${name.padEnd(14)} ${r.rps.toFixed(0).padStart(8)} req/s   p50 ${r.p50ms.toFixed(2)} ms   p99 ${r.p99ms.toFixed(2)} ms   (${r.requests} requests, ${r.tool})`;
}

// A README of the usual kind: headings, paragraphs, lists, code, a table, links and images (~12 KB).
const README = Array.from({ length: 12 }, (_, i) => `## Section ${i}\n\nSome *text* with a [link](docs/page-${i}.md) and ![img](img/${i}.png).\n\n- one\n- two\n- three\n\n\`\`\`csharp\nvar x = new Thing(${i});\n\`\`\`\n\n| a | b |\n|---|---|\n| ${i} | ${i * 2} |\n\n${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(8)}\n`).join('\n');

async function main(): Promise<void> {
  const databaseUrl = await createRunDatabase();
  // The load comes from one address: its allowances of page views and card renders set out of reach (each request still counts, one Redis INCR).
  const env = { DATABASE_URL: databaseUrl, REDIS_PREFIX: `lt_bench_${process.pid}`, LOG_LEVEL: 'warn', NODE_ENV: 'development', PUBLIC_PAGES_PER_MINUTE: '10000000', CARD_RENDERS_PER_MINUTE: '10000000' };
  const db = createDb(databaseUrl);
  try {
    const user = await createUser(db, 'bench@example.com', 'enterprise');
    for (let i = 0; i <= PAGES; i++) {
      const pkg = await insertPackage(db, user.id, { slug: `bench-${i}`, display_name: `Bench Package ${i}`, description: 'A package for measuring the public side', git_platform: 'github', git_owner: 'acme', git_repo: `tool-${i}`, git_path: null, git_ref: 'v1.0.0', is_private: false });
      // As the metadata worker leaves a package: its README stored and rendered.
      const readmeHtml = await renderReadme(README, { git_platform: 'github', git_owner: 'acme', git_repo: `tool-${i}`, git_path: null, git_ref: 'v1.0.0' });
      await db('packages').where({ id: pkg.id }).update({ package_json_name: `com.acme.tool${i}`, version: '1.0.0', unity_version: '2022.3', topics: ['editor', 'tools', 'ui'], readme: README, readme_html: readmeHtml, total_installs: 12345, github_stars: 321 });
      const days = Array.from({ length: 30 }, (_, d) => ({ package_id: pkg.id, day: utcDay(new Date(Date.now() - d * DAY_MS)), installs: (d * 7) % 50, unique_ips: 1 }));
      await db('package_install_days').insert(days);
    }

    const barePort = await freePort();
    const bare = runTs('bench/lib/bare-302.ts', { PORT: String(barePort) });
    await waitForHttp(`http://127.0.0.1:${barePort}/`);
    load(`http://127.0.0.1:${barePort}/x`, CONNECTIONS, 2);
    const ceiling = load(`http://127.0.0.1:${barePort}/x`, CONNECTIONS, SECONDS);
    await stop(bare);

    const port = await freePort();
    const web = runTs('src/bin/web.ts', { ...env, PORT: String(port) });
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    const base = `http://127.0.0.1:${port}`;

    // Uncached renders first, before anything warmed the page cache (the markdown modules load on the first).
    await fetch(`${base}/pkg/bench-0`).then((r) => r.arrayBuffer());
    const times: number[] = [];
    for (let i = 1; i <= PAGES; i++) {
      const started = process.hrtime.bigint();
      const res = await fetch(`${base}/pkg/bench-${i}`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`/pkg/bench-${i} answered ${res.status}`);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] as number;

    load(`${base}/card/bench-1.svg`, CONNECTIONS, 2);
    const cards = load(`${base}/card/bench-1.svg`, CONNECTIONS, SECONDS);
    load(`${base}/pkg/bench-1`, CONNECTIONS, 2);
    const page = load(`${base}/pkg/bench-1`, CONNECTIONS, SECONDS);
    await stop(web);

    console.log(`\n${CONNECTIONS} connections, ${SECONDS} s, 1 thread load generator`);
    console.log(row('bare answer', ceiling));
    console.log(row('card SVG', cards));
    console.log(row('package page', page));
    console.log(`card SVG       ${cards.rps.toFixed(0)} req/s, ${((cards.rps / ceiling.rps) * 100).toFixed(1)}% of the ceiling (target ≥ 5,000 req/s), non-2xx ${cards.non3xx}`);
    console.log(`page uncached  ${PAGES} first renders, one at a time: p50 ${pct(50).toFixed(1)} ms   p95 ${pct(95).toFixed(1)} ms   max ${pct(100).toFixed(1)} ms (target p95 < 50 ms)`);
    if (cards.rps < 5000 || pct(95) >= 50) process.exitCode = 1;
  } finally {
    await db.destroy();
    await dropRunDatabase(databaseUrl);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
