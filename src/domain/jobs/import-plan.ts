import { parseImportCsv } from './import-csv';
import type { PendingRow } from './import-chunk';
import { validateImportRow } from './import-row';

export interface ImportRowError {
  row: number;
  /** The reasons joined, for people; `errors` lists them one by one, as the API's 422s do. */
  error: string;
  errors: string[];
}

export function rowError(row: number, errors: string[]): ImportRowError {
  return { row, error: errors.join('; '), errors };
}

/** Parses and validates every row and fails later rows that repeat a short code of an earlier one. */
export function planImport(csv: string): { total: number; pending: PendingRow[]; errors: ImportRowError[] } {
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
