/**
 * Links export benchmark: GET /api/v1/links/export of 10,000 and then 100,000 links through the
 * real API and a real worker, web and worker as separate processes, each reporting its peak RSS
 * and heap during the export. Memory must not grow with the row count: the worker streams rows
 * through a cursor into 256 KB chunks in PostgreSQL, the web streams the chunks back out.
 *
 *   npx tsx bench/export.ts [first] [second]      (defaults 10000 100000)
 */
import type { Db } from '../src/db/knex';
import { mb, pollJob, rebase, startSystem, type Peaks } from './lib/system';

const SIZES = [Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 100_000)];

async function addLinks(db: Db, userId: number, from: number, to: number): Promise<void> {
  await db.raw(
    `INSERT INTO links (user_id, short_code, destination_url, title, description, tags, click_count)
     SELECT ?, 'exp-' || g, 'https://example.com/landing/' || g || '/offer', 'Export bench link ' || g, 'A description of link ' || g, '{news,bench}', g % 1000
     FROM generate_series(?::int, ?::int) AS g`,
    [userId, from, to],
  );
}

/** Reads a response to the end, counting, never holding it: the client is not what is measured. */
async function drain(res: Response): Promise<{ bytes: number; lines: number }> {
  let bytes = 0;
  let lines = 0;
  const reader = res.body?.getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    bytes += chunk.value.length;
    for (const b of chunk.value) if (b === 10) lines++;
  }
  return { bytes, lines };
}

interface Phase {
  rows: number;
  seconds: number;
  bytes: number;
  firstStatus: number;
  web: Peaks;
  worker: Peaks;
}

async function main(): Promise<void> {
  const system = await startSystem('export');
  const phases: Phase[] = [];
  try {
    const token = await system.token('enterprise');
    const { id: userId } = (await system.db('users').select('id').first()) as { id: number };
    const headers = { authorization: `Bearer ${token}` };
    let have = 0;
    for (const size of SIZES) {
      await addLinks(system.db, userId, have + 1, size);
      have = size;
      await Promise.all([system.web.reset(), system.worker.reset()]);
      const started = performance.now();
      let res = await fetch(`${system.baseUrl}/api/v1/links/export`, { headers });
      const firstStatus = res.status;
      if (res.status === 202) {
        const { status_url } = (await res.json()) as { status_url: string };
        const job = await pollJob(system.baseUrl, status_url, token);
        if (!job.download_url) throw new Error(`export job ended ${job.status}`);
        res = await fetch(rebase(system.baseUrl, job.download_url), { headers });
      }
      if (res.status !== 200) throw new Error(`export answered ${res.status}`);
      const { bytes, lines } = await drain(res);
      if (lines !== size + 1) throw new Error(`expected ${size + 1} lines, got ${lines}`);
      const seconds = (performance.now() - started) / 1000;
      const [web, worker] = await Promise.all([system.web.peaks(), system.worker.peaks()]);
      phases.push({ rows: size, seconds, bytes, firstStatus, web, worker });
    }
  } finally {
    await system.stop();
  }
  console.log('links export: peak memory of each process during the export');
  console.log('rows     | first answer | total time | file     | web rss / heap      | worker rss / heap');
  for (const p of phases) {
    console.log(
      `${String(p.rows).padEnd(8)} | ${String(p.firstStatus).padEnd(12)} | ${`${p.seconds.toFixed(2)} s`.padEnd(10)} | ${mb(p.bytes).padEnd(8)} | ${`${mb(p.web.rss)} / ${mb(p.web.heapUsed)}`.padEnd(19)} | ${mb(p.worker.rss)} / ${mb(p.worker.heapUsed)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
