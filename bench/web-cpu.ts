/**
 * The web process's CPU per redirect at a fixed request rate, beside the bare Node 302 at the
 * same rate: at full speed both numbers move with whatever else the machine runs, at a fixed
 * rate they move far less. Each server is loaded in turn, REPS times, and the medians printed.
 *
 *   npm run bench -- web-cpu               (RATE=6000 req/s, BENCH_SECONDS=6, REPS=5)
 *   WEB_CPU_TREES=/path/a,/path/b npm run bench -- web-cpu
 *     compares the web process of two checkouts (git worktrees) in the same run, A-B-A-B, so a
 *     change to the hot path is measured against its parent under the same load.
 *   WEB_NODE_FLAGS='--single-threaded-gc' npm run -s bench -- web-cpu
 *     runs the web process with those node flags.
 *   WEB_CPU_TREES='/path/a,/path/a --max-semi-space-size=32' npm run -s bench -- web-cpu
 *     an entry's node flags follow its path: the same checkout with and without a flag, A-B-A-B.
 *   PAIRED=1 WEB_CPU_TREES=/path/a,/path/b npm run -s bench -- web-cpu
 *     loads the checkouts' web processes at the same time, each at RATE, so a machine that
 *     speeds up and slows down from one minute to the next slows them alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createDb } from '../src/db/knex';
import { createUser } from '../src/db/user-store';
import { createLink } from '../src/domain/links';
import { createRunDatabase, dropRunDatabase } from '../test/helpers/test-database';
import { treeCpuUs } from './lib/cpu';
import { load, loadAtRate, type LoadResult } from './lib/load';
import { freePort, ROOT, runTs, stop, waitForHttp } from './lib/processes';

const RATE = Number(process.env.RATE ?? 6000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const REPS = Number(process.env.REPS ?? 5);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 50);
/** Load the web processes of WEB_CPU_TREES at the same time rather than in turn (PAIRED=1). */
const PAIRED = process.env.PAIRED === '1';
const TREES = (process.env.WEB_CPU_TREES ?? ROOT).split(',').filter(Boolean);
/** Node flags for the web process only (not the bare server), e.g. a garbage collector setting. */
const NODE_FLAGS = (process.env.WEB_NODE_FLAGS ?? '').split(' ').filter(Boolean);

interface Server {
  name: string;
  port: number;
  process: ChildProcess;
  samples: number[];
}

/** One web process (no cluster) of the checkout at `tree`, on the run's database. */
function startWeb(tree: string, flags: string[], port: number, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...NODE_FLAGS, ...flags, '--require', 'tsx/cjs', `${tree}/src/bin/web.ts`], {
    cwd: tree,
    env: { ...process.env, ...env, PORT: String(port), WEB_CONCURRENCY: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const databaseUrl = await createRunDatabase();
  const db = createDb(databaseUrl);
  const servers: Server[] = [];
  try {
    const user = await createUser(db, 'bench@example.com', 'enterprise');
    await createLink(db, { user_id: user.id, destination_url: 'https://example.com/landing', short_code: 'bench' });
    const barePort = await freePort();
    servers.push({ name: 'bare 302', port: barePort, process: runTs('bench/lib/bare-302.ts', { PORT: String(barePort) }), samples: [] });
    for (const [i, tree] of TREES.entries()) {
      const port = await freePort();
      const env = { DATABASE_URL: databaseUrl, REDIS_PREFIX: `lt_webcpu_${process.pid}_${i}`, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
      // An entry may name node flags for that web process after its path: '/path --flag'.
      const [path = ROOT, ...flags] = tree.split(' ').filter(Boolean);
      servers.push({ name: TREES.length === 1 ? 'web' : `web ${tree}`, port, process: startWeb(path, flags, port, env), samples: [] });
    }
    for (const s of servers) await waitForHttp(`http://127.0.0.1:${s.port}/${s.name === 'bare 302' ? '' : 'healthz'}`);
    for (const s of servers) load(`http://127.0.0.1:${s.port}/bench`, CONNECTIONS, 2, RATE); // warm-up
    for (let rep = 0; rep < REPS; rep++) {
      // Paired: the web processes are loaded at the same time, the bare 302 alone before them.
      const groups = PAIRED ? [servers.slice(0, 1), servers.slice(1)] : servers.map((s) => [s]);
      for (const inOrder of groups) {
        // The load started first measured a little cheaper in A-A runs: the order alternates.
        const group = rep % 2 === 0 ? inOrder : [...inOrder].reverse();
        const before = group.map((s) => treeCpuUs(s.process.pid as number));
        const results = await Promise.all(group.map((s) => loadAtRate(`http://127.0.0.1:${s.port}/bench`, CONNECTIONS, SECONDS, RATE)));
        group.forEach((s, i) => {
          const result = results[i] as LoadResult;
          s.samples.push((treeCpuUs(s.process.pid as number) - (before[i] as number)) / result.requests);
          if (result.rps < RATE * 0.95) console.log(`  ${s.name}: held ${result.rps.toFixed(0)} of ${RATE} req/s`);
        });
      }
    }
    console.log(`\nCPU per request at ${RATE} req/s (${CONNECTIONS} connections, ${SECONDS} s, ${REPS} runs each, interleaved)`);
    const bare = median(servers[0]?.samples ?? []);
    for (const s of servers) {
      const m = median(s.samples);
      console.log(`${s.name.padEnd(14)} median ${m.toFixed(1).padStart(6)} µs  (${(m / bare).toFixed(2)}x the bare 302)  runs: ${s.samples.map((x) => x.toFixed(1)).join(' ')}`);
    }
    // The machine's speed drifts within a run; a round's servers are loaded back to back, so the
    // median of each round's ratio to the first web process moves least with it.
    const first = servers[1];
    if (first) {
      for (const s of servers.slice(2)) {
        const ratios = s.samples.map((x, i) => x / (first.samples[i] ?? Number.NaN));
        console.log(`${s.name}: median ratio to ${first.name} in the same round ${median(ratios).toFixed(3)}  (${ratios.map((r) => r.toFixed(2)).join(' ')})`);
      }
    }
  } finally {
    for (const s of servers) await stop(s.process);
    await db.destroy();
    await dropRunDatabase(databaseUrl);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
