import Papa from 'papaparse';

/**
 * Reading the bulk-import CSV. Header names are matched without regard to case or surrounding
 * spaces; unknown columns are ignored (so an export can be re-imported as it is); blank lines
 * are skipped. Row numbers count data rows: row 1 is the first row after the header.
 */

export const MAX_IMPORT_ROWS = 20_000;

export interface CsvRow {
  row: number;
  cells: Record<string, unknown>;
  /** Why papaparse could not read this row as written (bad quoting, more cells than headers). */
  problem?: string;
}

const normaliseHeader = (h: string) => h.trim().toLowerCase();

/** The header row alone, for checking a request cheaply before it is queued. */
export function readHeader(csv: string): string[] {
  const firstLine = Papa.parse<string[]>(csv, { preview: 1, skipEmptyLines: 'greedy' });
  return (firstLine.data[0] ?? []).map(normaliseHeader);
}

/** An upper bound on the data rows (a quoted cell may span lines), without parsing. */
export function roughRowCount(csv: string): number {
  let lines = 0;
  for (let i = csv.indexOf('\n'); i !== -1; i = csv.indexOf('\n', i + 1)) lines++;
  return csv.endsWith('\n') ? lines - 1 : lines;
}

export function parseImportCsv(csv: string): CsvRow[] {
  const parsed = Papa.parse<Record<string, unknown>>(csv, { header: true, skipEmptyLines: 'greedy', transformHeader: normaliseHeader });
  const problems = new Map<number, string>();
  for (const error of parsed.errors) {
    if (error.row === undefined || error.code === 'TooFewFields') continue; // missing trailing cells are blanks
    problems.set(error.row, error.code === 'TooManyFields' ? 'Row has more cells than the header has columns' : `Row could not be read as CSV (${error.message})`);
  }
  return parsed.data.map((cells, index) => {
    const problem = problems.get(index);
    return problem ? { row: index + 1, cells, problem } : { row: index + 1, cells };
  });
}
