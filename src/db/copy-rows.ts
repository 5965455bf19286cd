import { finished } from 'node:stream/promises';
import type { Knex } from 'knex';
import { escapeIdentifier, type ClientBase } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A field as COPY's text format reads it: numbers and booleans as they print ('true' is a boolean's input form too). */
export type CopyValue = string | number | boolean | null;

// In COPY's text format a backslash starts an escape and tab, newline and carriage return end a
// field or a row, so exactly these four are escaped; with every backslash doubled, no value can
// read as \N (NULL) or as the \. end marker.
const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escape = (c: string) => ESCAPED[c] as string;

export function copyField(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value !== 'string') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIALS, escape) : value;
}

/**
 * Rows in COPY's text format: fields separated by tabs, each row ended by a newline. Each row is
 * joined into one flat string and the rows into one more: appending field by field would leave a
 * chain of a few dozen string pieces per row for the collector (the worker's largest allocation).
 */
export function copyText(rows: ReadonlyArray<readonly CopyValue[]>): string {
  const lines = new Array<string>(rows.length + 1);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly CopyValue[];
    const fields = new Array<string>(row.length);
    for (let i = 0; i < row.length; i++) fields[i] = copyField(row[i] as CopyValue);
    lines[r] = fields.join('\t');
  }
  lines[rows.length] = ''; // the last row's newline
  return lines.join('\n');
}

/**
 * Writes rows into `table (columns)` with one COPY FROM STDIN inside the transaction `trx`
 * (PostgreSQL's bulk path: no statement to parse per batch, rows written a page at a time) and
 * returns how many it stored. A failure (a constraint, a value that does not fit) rejects, and
 * leaves the transaction aborted like any failed statement.
 */
export async function copyRows(trx: Knex.Transaction, table: string, columns: readonly string[], rows: ReadonlyArray<readonly CopyValue[]>): Promise<number> {
  // COPY needs the driver's connection itself, as a stream. A transaction's knex client hands out
  // the one connection the transaction runs on (and releasing it is a no-op: knex's makeTxClient),
  // so the COPY is part of the transaction; a pool connection would not be. knex refuses a query
  // on a finished transaction (its connection may be back in the pool); this bypasses knex, so
  // it refuses too.
  if (!trx.isTransaction || trx.isCompleted()) throw new Error('copyRows runs inside an open transaction');
  const connection = (await trx.client.acquireConnection()) as ClientBase;
  const stream = connection.query(copyFrom(`COPY ${escapeIdentifier(table)} (${columns.map(escapeIdentifier).join(', ')}) FROM STDIN`));
  stream.end(copyText(rows));
  await finished(stream);
  return stream.rowCount;
}
