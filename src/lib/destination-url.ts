import { z } from 'zod';

/**
 * The one definition of a link destination (links, their PATCH, A/B variants, bulk import
 * rows, and the migration that brought older rows in line). A destination is stored in its
 * canonical WHATWG form, `new URL(x).href`: punycode host, percent-encoded path, query and
 * fragment. That form is plain printable ASCII, so it is always a legal `Location` header;
 * the raw text a user typed (`https://例え.jp/`) is not, and Node refuses to send it.
 */

export const DESTINATION_MAX = 2048;

/**
 * C0 controls (NUL, TAB, CR, LF…), DEL and C1 controls. The URL parser would silently drop
 * tabs and line breaks and percent-encode the rest; they are never what the owner meant, so
 * they are refused rather than repaired.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export function hasControlCharacter(value: string): boolean {
  return CONTROL.test(value);
}

/** The canonical href of an http(s) URL with a host, or null when `value` is not one. */
export function canonicalDestination(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname.length === 0) return null;
  return url.href;
}

function typed(field: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined || issue.input === null ? `${field} can't be blank` : `${field} must be a string`) };
}

/**
 * The request field: blank, control characters and non-http(s) are each reported once (in
 * that order), and the length limit applies to what is stored — the canonical form, which
 * percent-encoding can make several times longer than what was sent.
 */
export function destinationUrl(field = 'Destination url') {
  return z
    .string(typed(field))
    .refine((v) => v.trim() !== '', { message: `${field} can't be blank`, abort: true })
    .max(DESTINATION_MAX, { message: `${field} is too long (maximum is ${DESTINATION_MAX} characters)`, abort: true })
    .refine((v) => !hasControlCharacter(v), { message: `${field} can't contain control characters (such as NUL, tab or line breaks)`, abort: true })
    .transform((v, ctx) => {
      const href = canonicalDestination(v.trim());
      if (href === null) {
        ctx.addIssue({ code: 'custom', message: `${field} must be a valid http or https URL` });
        return z.NEVER;
      }
      return href;
    })
    .refine((href) => href.length <= DESTINATION_MAX, `${field} is too long (maximum is ${DESTINATION_MAX} characters)`);
}
