/**
 * Bulk import benchmark: a 10,000-row CSV end to end through the real API and a real worker
 * (separate processes), from POST /api/v1/links/bulk_import to the finished result, polling the
 * status URL when the request answers 202. Target: under 10 s.
 *
 *   npx tsx bench/import.ts [rows]
 */
import { mb, pollJob, startSystem } from './lib/system';

const ROWS = Number(process.argv[2] ?? 10_000);

function buildCsv(rows: number): string {
  const lines = ['destination_url,title,short_code,tags'];
  for (let i = 0; i < rows; i++) lines.push(`https://example.com/landing/${i}?utm_source=bench,Bench link ${i},bench-${i},"bench, import"`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const system = await startSystem('import');
  try {
    const token = await system.token('enterprise');
    const csv = buildCsv(ROWS);
    await Promise.all([system.web.reset(), system.worker.reset()]);
    const started = performance.now();
    const res = await fetch(`${system.baseUrl}/api/v1/links/bulk_import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ csv }),
    });
    const first = (await res.json()) as { status_url?: string; summary?: { created: number; failed: number } };
    let summary = first.summary;
    if (res.status === 202 && first.status_url) {
      const job = await pollJob(system.baseUrl, first.status_url, token);
      summary = (job.result as { summary?: { created: number; failed: number } } | null)?.summary;
    } else if (res.status !== 200) {
      throw new Error(`bulk_import answered ${res.status}: ${JSON.stringify(first)}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const run = (await system.db('job_runs').first()) as { created_at: Date; started_at: Date; finished_at: Date };
    const since = (a: Date, b: Date) => `${((b.getTime() - a.getTime()) / 1000).toFixed(2)} s`;
    const [web, worker] = await Promise.all([system.web.peaks(), system.worker.peaks()]);
    console.log(`bulk import of ${ROWS} rows (${mb(Buffer.byteLength(csv))} CSV)`);
    console.log(`  first answer     ${res.status}`);
    console.log(`  created/failed   ${summary?.created}/${summary?.failed}`);
    console.log(`  total time       ${seconds.toFixed(2)} s (${Math.round(ROWS / seconds)} rows/s)`);
    console.log(`  queued → started ${since(run.created_at, run.started_at)}, started → finished ${since(run.started_at, run.finished_at)}`);
    console.log(`  web peak         rss ${mb(web.rss)}, heap ${mb(web.heapUsed)}`);
    console.log(`  worker peak      rss ${mb(worker.rss)}, heap ${mb(worker.heapUsed)}`);
    if (summary?.created !== ROWS) process.exitCode = 1;
  } finally {
    await system.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
