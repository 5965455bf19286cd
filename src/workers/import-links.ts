import type { Job } from 'bullmq';
import { ApiError } from '../api/errors';
import { presentLink, type LinkObject } from '../api/links.schema';
import { importedRows, lockImportRun, recordImportedRow } from '../db/import-row-store';
import { completeRun, loadRunInput } from '../db/job-store';
import type { LinkRow } from '../db/link-store';
import { parseImportCsv } from '../jobs/import-csv';
import { validateImportRow, type ImportLinkFields } from '../jobs/import-row';
import { runJob } from '../jobs/run-job';
import { createLink } from '../links';
import type { JobPayloads } from '../queues/registry';
import { hashPassword } from '../secrets';
import type { Services } from '../services';

export interface ImportRowError {
  row: number;
  error: string;
  errors: string[];
}

export interface ImportResult {
  success: true;
  created: number;
  links: LinkObject[];
  errors: ImportRowError[];
  summary: { total_rows: number; created: number; failed: number };
}

/** Rows per transaction: small enough to stay under PostgreSQL's 64 cached subtransactions. */
const ROWS_PER_TRANSACTION = 50;

interface PendingRow {
  row: number;
  link: ImportLinkFields;
}

function rowError(row: number, errors: string[]): ImportRowError {
  return { row, error: errors.join('; '), errors };
}

/** Validates every row and fails later rows that repeat a short code of an earlier one. */
function planImport(csv: string): { total: number; pending: PendingRow[]; errors: ImportRowError[] } {
  const rows = parseImportCsv(csv);
  const pending: PendingRow[] = [];
  const errors: ImportRowError[] = [];
  const codes = new Set<string>();
  for (const { row, cells, problem } of rows) {
    if (problem) {
      errors.push(rowError(row, [problem]));
      continue;
    }
    const outcome = validateImportRow(cells);
    if (!outcome.ok) errors.push(rowError(row, outcome.errors));
    else if (outcome.link.short_code && codes.has(outcome.link.short_code)) errors.push(rowError(row, ['Short code has already been taken']));
    else {
      if (outcome.link.short_code) codes.add(outcome.link.short_code);
      pending.push({ row, link: outcome.link });
    }
  }
  return { total: rows.length, pending, errors };
}

/**
 * Creates one transaction's worth of rows. Each row has its own savepoint, so a taken short
 * code fails that row only; each created link is recorded under (run, row) in the same
 * savepoint, so a retry of the run finds it done and never creates it twice.
 */
async function importChunk(services: Services, userId: number, runId: string, chunk: PendingRow[]): Promise<{ created: Map<number, number>; errors: ImportRowError[] }> {
  const hashes = await Promise.all(chunk.map((p) => (p.link.password ? hashPassword(p.link.password) : null)));
  return services.db.transaction(async (trx) => {
    await lockImportRun(trx, runId);
    const created = await importedRows(trx, runId, chunk.map((p) => p.row));
    const errors: ImportRowError[] = [];
    for (const [i, { row, link }] of chunk.entries()) {
      if (created.has(row)) continue;
      const { password: _plain, ...fields } = link;
      try {
        const made = await trx.transaction(async (sp) => {
          const inserted = await createLink(sp, { ...fields, user_id: userId, password_hash: hashes[i] ?? null });
          await recordImportedRow(sp, runId, row, inserted.id);
          return inserted;
        });
        created.set(row, made.id);
      } catch (err) {
        if (!(err instanceof ApiError) || err.status !== 422) throw err;
        errors.push(rowError(row, err.errors ?? [err.message]));
      }
    }
    return { created, errors };
  });
}

async function loadLinks(services: Services, ids: number[]): Promise<Map<number, LinkRow>> {
  const rows = (await services.db('links').select('*').whereRaw('id = ANY(?)', [ids])) as LinkRow[];
  return new Map(rows.map((l) => [l.id, l]));
}

/** The bulk import: every good row becomes a link, every bad row is reported with its reason. */
export async function importLinks(services: Services, data: JobPayloads['import-links'], job?: Job): Promise<ImportResult | undefined> {
  return runJob(services, data.runId, job, async (run) => {
    const csv = await loadRunInput(services.db, run.id);
    if (csv === null) throw new Error(`Import run ${run.id} has no input`);
    const plan = planImport(csv);
    const created = await importedRows(services.db, run.id);
    const errors = [...plan.errors];
    const todo = plan.pending.filter((p) => !created.has(p.row));
    for (let i = 0; i < todo.length; i += ROWS_PER_TRANSACTION) {
      const outcome = await importChunk(services, run.user_id, run.id, todo.slice(i, i + ROWS_PER_TRANSACTION));
      for (const [row, linkId] of outcome.created) created.set(row, linkId);
      errors.push(...outcome.errors);
    }
    const links = await loadLinks(services, [...created.values()]);
    const ordered = [...created.entries()].sort(([a], [b]) => a - b).flatMap(([, id]) => {
      const link = links.get(id);
      return link ? [presentLink(link, services.config.publicBaseUrl)] : [];
    });
    errors.sort((a, b) => a.row - b.row);
    const result: ImportResult = {
      success: true,
      created: ordered.length,
      links: ordered,
      errors,
      summary: { total_rows: plan.total, created: ordered.length, failed: errors.length },
    };
    await completeRun(services.db, run.id, result);
    return result;
  });
}
