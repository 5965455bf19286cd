/** The bad values the fuzzer draws from: each is something a careless or hostile client sends. */

const HUGE = 'A'.repeat(100_000);

export const CONTROL_STRINGS = ['a\u0000b', '\u0000', '\u0001\u001f', 'x\u007f', '\u0085\u009b', 'tab\there', 'line\r\nbreak'];

/** Lone surrogates: valid in a JS string (and in JSON as \ud800), not encodable as UTF-8. */
export const SURROGATES = ['\ud800', 'x\udfffy'];

export const UNICODE_STRINGS = ['日本語🙂', 'e\u0301\u0301', '\u202eevil', '\ufeffbom', '\u2028\u2029', 'ﬀ İ ß'];

export const ODD_STRINGS = ['', ' ', HUGE, "'; DROP TABLE links; --", '../../etc/passwd', '%00', '${jndi:x}', '__proto__', '1e999', '-1', 'null'];

export const NUMBERS = [-1, 0, -0, 1.5, -1e308, 1e308, 2 ** 63, Number.MAX_SAFE_INTEGER + 2, -(2 ** 31) - 1, 5e-324];

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

export const WRONG_TYPES: unknown[] = [null, true, false, 'str', 12345, [], [1, 'a', null], {}, { nested: { deeper: 1 } }, nested(200)];

/** Everything a JSON field can be sent instead of its value. */
export const FIELD_VALUES: unknown[] = [...CONTROL_STRINGS, ...SURROGATES, ...UNICODE_STRINGS, ...ODD_STRINGS, ...NUMBERS, ...WRONG_TYPES];

/** Query values, raw (already percent-encoded where needed, some deliberately malformed). */
export const QUERY_VALUES = [
  '%00', '%01', '%7F', '%C2%85', '%ZZ', '%ED%A0%80', '', '-1', '0', '1.5', '1e999', '99999999999999999999',
  encodeURIComponent('日本🙂'), 'A'.repeat(4000), 'true', 'null', '%20',
];

/** Path segments, raw, as QUERY_VALUES. */
export const PATH_VALUES = [
  '', '%00', '%0A', '%7F', '%C2%9B', '%ZZ', '%ED%A0%80', '%C0%AF', '-1', '0', '99999999999999999999', '1.5',
  encodeURIComponent('日本🙂'), 'A'.repeat(3000), '%2E%2E', '%2F', '%20',
];

/** Values that every sample must include, whatever else is drawn: the cases that found real bugs. */
export const ALWAYS_FIELD = ['a\u0000b', '\ud800'];
export const ALWAYS_QUERY = ['%00', '%ZZ'];
export const ALWAYS_PATH = ['%00', '%ZZ', '%ED%A0%80'];
