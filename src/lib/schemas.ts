import { z } from 'zod';

/** Shared building blocks for request schemas. */

/**
 * Client text, by the one rule every string field and path segment of both surfaces follows:
 * no control character (C0, DEL, C1) and no lone UTF-16 surrogate. PostgreSQL refuses NUL
 * outright (it would be a 500 at the insert) and an unpaired surrogate cannot be encoded as
 * UTF-8; the other controls would land raw in logs, CSV exports and headers. Under the u flag
 * \p{Cs} matches only a surrogate that is not half of a pair.
 */
const CONTROL = /[\p{Cc}\p{Cs}]/u;
/** Multi-line text (descriptions, CSV): tab, line feed and carriage return are part of the text. */
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\p{Cs}]/u;

/** A whole document whose parts are checked one by one (a CSV's rows): only what cannot be stored at all. */
const UNSTORABLE = /[\u0000\p{Cs}]/u;

type StringParams = Parameters<typeof z.string>[0];

/** Without a field name the messages start lower-case, and formatIssues prefixes the field from the issue's path. */
function sentence(field: string | undefined, rest: string): string {
  return field ? `${field} ${rest}` : rest;
}

function blankOrNotString(field: string | undefined): StringParams {
  return { error: (issue) => sentence(field, issue.input === undefined || issue.input === null ? "can't be blank" : 'must be a string') };
}

function refusing(pattern: RegExp, field: string | undefined, params: StringParams | undefined) {
  // abort: a value with a control character gets that one message, not also "too long" or "invalid".
  // A string as params is, as in zod, the one message for every way to miss.
  const message = typeof params === 'string' ? params : sentence(field, "can't contain control characters");
  return z.string(params ?? blankOrNotString(field)).refine((v) => !pattern.test(v), { message, abort: true });
}

/** One line of text (names, tags, ids, query values); `params` overrides the wrong-type message. */
export function singleLine(field?: string, params?: StringParams) {
  return refusing(CONTROL, field, params);
}

/** Text that may span lines: as singleLine, but tab, CR and LF are allowed. */
export function multiLine(field?: string, params?: StringParams) {
  return refusing(CONTROL_BUT_LINE_BREAKS, field, params);
}

/**
 * A document of many records (an import CSV): NUL and lone surrogates are refused whole, since
 * nothing could store them; any other control character belongs to one row, which reports it.
 */
export function document(field?: string, params?: StringParams) {
  return refusing(UNSTORABLE, field, params);
}

/** Every path parameter of every route, before the route's own params schema (route.ts). */
export const pathSegments = z.record(z.string(), singleLine('Path segment'));

/** Query-string booleans: only the words a person would type. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export function queryInt(min: number, max: number) {
  // One message for every way to miss, out of range included (zod's own reads "Too small: …").
  const message = `must be a whole number from ${min} to ${max}`;
  return singleLine().regex(/^\d+$/, message).transform(Number).pipe(z.number().int().min(min, message).max(max, message));
}

// Its own message: without it the string's error map answered "must be a string" for "abc".
export const idParam = singleLine().regex(/^\d{1,15}$/, 'must be a whole number of up to 15 digits').transform(Number);

/** http(s) only: javascript:, data:, file: and friends are refused. */
export function httpUrl(field: string) {
  return z
    .string({ error: `${field} can't be blank` })
    .trim()
    .min(1, { message: `${field} can't be blank`, abort: true })
    .max(2048, { message: `${field} is too long (maximum is 2048 characters)`, abort: true })
    .refine((value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
      } catch {
        return false;
      }
    }, `${field} must be a valid http or https URL`);
}

export const timestamp = z.iso.datetime({ offset: true }).transform((v) => new Date(v));

export const successFlag = z.literal(true);

export function humanField(path: PropertyKey[]): string {
  const name = path.filter((p) => typeof p === 'string' && p !== 'link' && p !== 'variant').map(String).pop() ?? 'value';
  const words = name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Messages that are already whole sentences (capitalised) are kept; others are prefixed with the field. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (/^[A-Z]/.test(issue.message)) return issue.message;
    return `${humanField(issue.path)} ${issue.message}`;
  });
}
