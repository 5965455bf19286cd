import type { Job } from 'bullmq';
import { presentLink, type LinkObject } from '../domain/links.schema';
import { importedRows } from '../db/import-row-store';
import { completeRun, loadRunInput, reportProgress } from '../db/job-store';
import { decryptSecret } from '../lib/secrets';
import type { LinkRow } from '../db/link-store';
import { userDomainNames } from '../db/domain-store';
import { importChunk, type OnConflict, type PendingRow } from '../domain/jobs/import-chunk';
import { planImport, rowError, type ImportRowError } from '../domain/jobs/import-plan';
import { runJob } from './run-job';
import type { JobPayloads } from '../queues/registry';
import type { Services } from '../services';

export interface ImportResult {
  success: true;
  created: number;
  links: LinkObject[];
  errors: ImportRowError[];
  summary: { total_rows: number; created: number; failed: number; skipped?: number; updated?: number };
}

/** Rows per transaction: big enough to amortise the commit, small enough to redo cheaply. */
const ROWS_PER_TRANSACTION = 250;
/** Chunks written at once: hides round-trip latency; each takes one pooled connection. */
const PARALLEL_CHUNKS = 3;

async function presentCreated(services: Services, userId: number, created: Map<number, number>): Promise<LinkObject[]> {
  const [rows, domains] = await Promise.all([
    services.db('links').select('*').whereRaw('id = ANY(?)', [[...created.values()]]) as Promise<LinkRow[]>,
    userDomainNames(services.db, userId),
  ]);
  const byId = new Map(rows.map((l) => [l.id, l]));
  return [...created.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, id]) => {
      const link = byId.get(id);
      return link ? [presentLink(link, services.config.publicBaseUrl, domains)] : [];
    });
}

/**
 * The bulk import: every good row becomes a link (through createLink, like POST /links), every
 * bad row is reported with its row number and reason. Each created link is recorded under
 * (run, row) in its own transaction, so a retried or duplicated run never creates it twice.
 */
export async function importLinks(services: Services, data: JobPayloads['import-links'], job?: Job): Promise<ImportResult | undefined> {
  return runJob(services, data.runId, job, async (run) => {
    const stored = await loadRunInput(services.db, run.id);
    const csv = stored === null ? null : decryptSecret(services.config.appSecret, stored);
    if (csv === null) throw new Error(`Import run ${run.id} has no input`);
    const plan = planImport(csv);
    // Rows an earlier attempt of this run committed are done: reported, never redone.
    const created = await importedRows(services.db, run.id);
    const errors = [...plan.errors];
    const onConflict = ((run.params as { on_conflict?: OnConflict } | null)?.on_conflict) ?? 'error';
    const skipped: number[] = [];
    const updated: number[] = [];
    // Chunks are cut from the plan, not from what is left, so every attempt of the run cuts the
    // same chunks and two attempts on one chunk meet at its lock (see import-chunk.ts).
    const chunks: PendingRow[][] = [];
    for (let i = 0; i < plan.pending.length; i += ROWS_PER_TRANSACTION) chunks.push(plan.pending.slice(i, i + ROWS_PER_TRANSACTION));
    const left = chunks.filter((chunk) => chunk.some((p) => !created.has(p.row)));
    const progress = () => reportProgress(services.db, run.id, created.size + errors.length + skipped.length + updated.length, plan.total);
    await progress();
    const next = async (): Promise<void> => {
      for (let chunk = left.shift(); chunk; chunk = left.shift()) {
        const outcome = await importChunk(services, run.user_id, run.id, chunk, onConflict).catch((err: unknown) => {
          left.length = 0; // one chunk failed: the others stop taking work, the attempt fails
          throw err;
        });
        for (const [row, linkId] of outcome.created) created.set(row, linkId);
        errors.push(...outcome.failed.map((f) => rowError(f.row, f.errors)));
        skipped.push(...outcome.skipped);
        updated.push(...outcome.updated);
        await progress();
      }
    };
    // Settled, not all: the attempt ends only once no chunk is still writing.
    const lanes = await Promise.allSettled(Array.from({ length: PARALLEL_CHUNKS }, next));
    const broken = lanes.find((lane): lane is PromiseRejectedResult => lane.status === 'rejected');
    if (broken) throw broken.reason;
    const links = await presentCreated(services, run.user_id, created);
    errors.sort((a, b) => a.row - b.row);
    const result: ImportResult = {
      success: true,
      created: links.length,
      links,
      errors,
      summary: {
        total_rows: plan.total, created: links.length, failed: errors.length,
        // Only when asked for, so the default answer stays exactly the documented one.
        ...(onConflict === 'error' ? {} : { skipped: skipped.length, updated: updated.length }),
      },
    };
    await completeRun(services.db, run.id, result);
    return result;
  });
}
