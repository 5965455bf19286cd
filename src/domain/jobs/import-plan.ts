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

/** A short code is unique per domain: the key a row's code is judged by (hostnames never hold a space). */
function codeOnDomain(link: { short_code?: string; domain?: string }): string | undefined {
  return link.short_code ? `${link.domain ?? ''} ${link.short_code}` : undefined;
}

/** Parses and validates every row and fails later rows that repeat a short code of an earlier one on the same domain. */
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
    if (!outcome.ok) {
      errors.push(rowError(row, outcome.errors));
      continue;
    }
    const key = codeOnDomain(outcome.link);
    if (key && codes.has(key)) errors.push(rowError(row, ['Short code has already been taken']));
    else {
      if (key) codes.add(key);
      pending.push({ row, link: outcome.link });
    }
  }
  return { total: rows.length, pending, errors };
}
