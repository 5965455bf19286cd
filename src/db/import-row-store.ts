import type { Knex } from 'knex';
import type { Db } from './knex';

/** Which rows of an import run already made a link (job_import_rows). */

export async function importedRows(db: Db, runId: string, rows?: number[]): Promise<Map<number, number>> {
  const query = db('job_import_rows').select('row', 'link_id').where({ run_id: runId });
  if (rows) query.whereRaw('"row" = ANY(?)', [rows]);
  const found = (await query) as Array<{ row: number; link_id: number }>;
  return new Map(found.map((r) => [r.row, r.link_id]));
}

/** One statement for a chunk's rows; the (run, row) key refuses a row recorded twice. */
export async function recordImportedRows(trx: Knex.Transaction, runId: string, rows: Array<{ row: number; linkId: number }>): Promise<void> {
  if (rows.length === 0) return;
  await trx('job_import_rows').insert(rows.map((r) => ({ run_id: runId, row: r.row, link_id: r.linkId })));
}

/**
 * Serialises attempts on one chunk of a run (named by its first row) until the transaction
 * ends: a second worker running the same run (a stalled job handed over) waits here, then sees
 * the rows the first one committed.
 */
export async function lockImportRun(trx: Knex.Transaction, runId: string, firstRow: number): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [`import:${runId}:${firstRow}`]);
}
