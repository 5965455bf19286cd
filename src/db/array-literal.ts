/**
 * A PostgreSQL array literal ('{1,2,NULL}') for a parameter cast to an array type. The driver
 * would build the same text, but quoting and escaping every element with two regular
 * expressions and walking the array again for undefined values: for a 500-click insert of 17
 * columns that was a tenth of the worker's time. Elements that need no quotes (numbers,
 * booleans, uuids, hex hashes, ISO timestamps, plain words) are written as they are.
 */
const PLAIN = /^[A-Za-z0-9_.:+-]+$/;

export function arrayLiteral(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const value = values[i];
    if (value === null || value === undefined) out += 'NULL';
    else if (typeof value !== 'string') out += String(value);
    else if (PLAIN.test(value) && !(value.length === 4 && value.toUpperCase() === 'NULL')) out += value;
    else out += `"${value.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${out}}`;
}
