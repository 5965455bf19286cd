/**
 * The one CSV writer for every export. RFC 4180 quoting, "\n" line ends, and cells a
 * spreadsheet would run as a formula neutralised: a cell starting with =, +, -, @, tab or
 * carriage return gets a leading apostrophe (the OWASP CSV-injection advice), so opening an
 * export never executes what a visitor or an API client typed into a title.
 */

export type CsvValue = string | number | boolean | Date | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Numbers and booleans are ours, never user text: a negative number stays a number.
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = neutraliseFormula(value instanceof Date ? value.toISOString() : value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\n`;
}
