import type { Knex } from 'knex';
import type { Db } from './knex';

/** Which rows of an import run already made a link (job_import_rows). */

export async function importedRows(db: Db, runId: string, rows?: number[]): Promise<Map<number, number>> {
  const query = db('job_import_rows').select('row', 'link_id').where({ run_id: runId });
  if (rows) query.whereRaw('"row" = ANY(?)', [rows]);
  const found = (await query) as Array<{ row: number; link_id: number }>;
  return new Map(found.map((r) => [r.row, r.link_id]));
}

export async function recordImportedRow(trx: Knex.Transaction, runId: string, row: number, linkId: number): Promise<void> {
  await trx('job_import_rows').insert({ run_id: runId, row, link_id: linkId });
}

/**
 * Serialises attempts of one run for the rest of the transaction: a second worker running the
 * same run (a stalled job handed over) waits here, then sees the rows the first one committed.
 */
export async function lockImportRun(trx: Knex.Transaction, runId: string): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [`import:${runId}`]);
}
