import { z } from 'zod';
import { isValidWhsecSecret } from '../domain/webhooks/signing';
import { httpUrl, singleLine } from '../lib/schemas';

const WINDOW = 'Attribution window days must be a whole number from 1 to 365';
const blankIsNull = (v: unknown) => (v === '' ? null : v);

export const settingsFields = z
  .object({
    attribution_window_days: z.number({ error: WINDOW }).int({ error: WINDOW }).min(1, WINDOW).max(365, WINDOW).optional(),
    // null or "" removes the webhook; the address is checked against SSRF rules by the handler (it needs DNS).
    webhook_url: z.preprocess(blankIsNull, singleLine('Webhook url').pipe(httpUrl('Webhook url')).nullable()).optional(),
    // Write-only. Printable ASCII so every receiver's HMAC library reads the same key bytes.
    webhook_secret: z
      .preprocess(
        blankIsNull,
        singleLine('Webhook secret', { error: 'Webhook secret must be a string' })
          .min(8, 'Webhook secret is too short (minimum is 8 characters)')
          .max(256, 'Webhook secret is too long (maximum is 256 characters)')
          .regex(/^[\x21-\x7e]+$/, 'Webhook secret may contain only printable ASCII characters, without spaces')
          .refine(isValidWhsecSecret, 'Webhook secret starting with whsec_ must continue with base64 of 24 to 64 bytes')
          .nullable(),
      )
      .optional(),
  })
  .strict();

/** Accepts the fields flat or wrapped Rails-style as {"settings": {...}}, like {"link": {...}}. */
export const patchSettingsBody = z.preprocess((body) => {
  const wrapped = (body as { settings?: unknown }).settings;
  return body && typeof body === 'object' && Object.keys(body).length === 1 && wrapped && typeof wrapped === 'object' ? wrapped : body;
}, settingsFields);

export const settingsObject = z.object({
  attribution_window_days: z.number().int(),
  webhook_url: z.string().nullable(),
  webhook_secret_set: z.boolean(),
  /** The secret's last four characters, for recognising it; null when unset or too short to hint at safely. */
  webhook_secret_hint: z.string().nullable(),
  webhooks_available: z.boolean(),
}).meta({ id: 'Settings' });
export type SettingsObject = z.infer<typeof settingsObject>;

export function secretHint(secret: string | null): string | null {
  if (!secret || secret.length < 16) return null;
  return `…${secret.slice(-4)}`;
}
