import { z } from 'zod';

/** Shared building blocks for request schemas. */

/** Query-string booleans: only the words a person would type. */
export const queryBoolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export function queryInt(min: number, max: number) {
  return z.string().regex(/^\d+$/, `must be a whole number from ${min} to ${max}`).transform(Number).pipe(z.number().int().min(min).max(max));
}

export const idParam = z.string().regex(/^\d{1,15}$/).transform(Number);

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
