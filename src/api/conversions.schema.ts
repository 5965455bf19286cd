import { z } from 'zod';
import { canonicalIp } from '../lib/visitor-hash';
import { currencyCode, moneyValue } from './conversion-goals.schema';
import { singleLine } from '../lib/schemas';

/** A postback field that may be absent or null (both mean "not sent"). */
function optional<S extends z.ZodType>(schema: S) {
  return z.preprocess((v) => (v === null ? undefined : v), schema.optional());
}

/** Merchants' servers send numbers as strings often enough: "99.99" and "789" are accepted too. */
function numericString(v: unknown): unknown {
  return typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
}

export const postbackBody = z.object({
  value: optional(z.preprocess(numericString, moneyValue('Value'))).describe('Conversion value; overrides the goal default'),
  currency: optional(currencyCode).describe('3-letter currency code; defaults to the goal currency'),
  order_id: optional(
    z.preprocess(
      (v) => (typeof v === 'number' && Number.isInteger(v) ? String(v) : v),
      singleLine('Order id', { error: 'Order id must be a string' }).trim().min(1, "Order id can't be blank").max(255, 'Order id is too long (maximum is 255 characters)'),
    ),
  ).describe('External order id; a second postback with the same order id for the goal is refused (409)'),
  click_id: optional(
    z.preprocess(
      numericString,
      z.number({ error: 'Click id must be a positive integer' }).int('Click id must be a positive integer').positive('Click id must be a positive integer').max(Number.MAX_SAFE_INTEGER, 'Click id must be a positive integer'),
    ),
  ).describe('The click id (lt_click) for explicit attribution'),
  ip: optional(
    singleLine('Ip', 'Ip must be a valid IP address')
      .max(100, 'Ip must be a valid IP address')
      .transform((v, ctx) => {
        const ip = canonicalIp(v);
        if (ip === undefined) {
          ctx.addIssue({ code: 'custom', message: 'Ip must be a valid IP address' });
          return z.NEVER;
        }
        return ip;
      }),
  ).describe("The visitor's IP for automatic attribution (default: the request's address)"),
  ua: optional(singleLine('Ua', { error: 'Ua must be a string' }).max(2048, 'Ua is too long (maximum is 2048 characters)')).describe("The visitor's user agent for automatic attribution"),
});

export const postbackResponse = z.object({
  success: z.literal(true),
  conversion_id: z.number().int(),
  attributed: z.boolean(),
  value: z.number().nullable(),
  time_to_convert: z.string().nullable().describe('Click to conversion, e.g. "45 minutes", "2.5 hours", "3 days"; null when unattributed'),
});
