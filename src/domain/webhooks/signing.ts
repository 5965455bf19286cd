import { createHmac } from 'node:crypto';

/**
 * The two signature schemes every delivery carries.
 *
 * PVTLNK (the seed's recipe): X-PVTLNK-Signature = "sha256=" + hex HMAC-SHA256 of the exact raw
 * body, keyed with the secret string exactly as the user typed it.
 *
 * Standard Webhooks: webhook-signature = "v1," + base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`.
 * The spec's secrets are "whsec_" + base64 of the key bytes; such a secret is decoded as the
 * spec says. Any other (plain) secret is used as its UTF-8 bytes — the same key the PVTLNK
 * signature uses — so a Standard Webhooks library verifies it when given "whsec_" + base64(secret).
 */
const WHSEC_PREFIX = 'whsec_';

export function pvtlnkSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The HMAC key a secret stands for under Standard Webhooks (see above). */
export function standardWebhooksKey(secret: string): Buffer {
  if (secret.startsWith(WHSEC_PREFIX)) return Buffer.from(secret.slice(WHSEC_PREFIX.length), 'base64');
  return Buffer.from(secret, 'utf8');
}

/** A whsec_ secret must carry a base64 key of a useful length (the spec issues 24–64 bytes). */
export function isValidWhsecSecret(secret: string): boolean {
  if (!secret.startsWith(WHSEC_PREFIX)) return true;
  const encoded = secret.slice(WHSEC_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return false;
  const bytes = Buffer.from(encoded, 'base64').length;
  return bytes >= 24 && bytes <= 64;
}

export function standardWebhooksSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** Every header of one attempt. The timestamp is the attempt's; id and body stay fixed across attempts. */
export function deliveryHeaders(input: { event: string; deliveryId: string; body: string; secret: string | null; now: Date }): Record<string, string> {
  const timestamp = Math.floor(input.now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Linktally-Webhooks/1.0',
    'x-pvtlnk-event': input.event,
    'x-pvtlnk-delivery': input.deliveryId,
    'webhook-id': input.deliveryId,
    'webhook-timestamp': String(timestamp),
  };
  if (input.secret) {
    headers['x-pvtlnk-signature'] = pvtlnkSignature(input.secret, input.body);
    headers['webhook-signature'] = standardWebhooksSignature(input.secret, input.deliveryId, timestamp, input.body);
  }
  return headers;
}
