import type { Knex } from 'knex';

/**
 * Reads a query's rows in batches through a server-side cursor, so memory holds one batch
 * whatever the row count. Needs a transaction (a cursor lives inside one); the caller's
 * transaction also decides what snapshot the rows come from.
 */
export async function forEachBatch<T>(trx: Knex.Transaction, query: Knex.QueryBuilder, batchSize: number, onBatch: (rows: T[]) => Promise<void>): Promise<number> {
  const { sql, bindings } = query.toSQL();
  const name = `cursor_${Math.random().toString(36).slice(2, 10)}`;
  await trx.raw(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, bindings);
  let total = 0;
  for (;;) {
    const { rows } = (await trx.raw(`FETCH ${batchSize} FROM ${name}`)) as { rows: T[] };
    if (rows.length === 0) break;
    total += rows.length;
    await onBatch(rows);
  }
  await trx.raw(`CLOSE ${name}`);
  return total;
}

/** How many rows `query` would give, in the same snapshot (the caller's transaction). */
export async function countRows(query: Knex.QueryBuilder): Promise<number> {
  const [row] = (await query.clone().clearSelect().clearOrder().count({ n: '*' })) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}

/** Told rows done of total as an export's batches are written (the run's status URL shows it). */
export type BatchProgress = (done: number, total: number) => Promise<void>;
