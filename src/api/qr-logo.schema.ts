import { z } from 'zod';
import { probeImage } from '../lib/image-probe';
import type { QrLogoRow, QrLogoType } from '../db/qr-logo-store';

/** Bounds of an account's QR centre logo: small enough to embed in every code, large enough to look sharp. */
export const QR_LOGO_LIMITS = { maxBytes: 100 * 1024, minSide: 16, maxSide: 1024 } as const;

const TYPES: Record<string, QrLogoType> = { 'image/png': 'image/png', 'image/jpeg': 'image/jpeg', 'image/jpg': 'image/jpeg' };
const DATA_URL = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+);base64,([A-Za-z0-9+/]*={0,2})$/i;
// Base64 of maxBytes, so an oversized upload is refused before it is decoded.
const MAX_BASE64 = Math.ceil(QR_LOGO_LIMITS.maxBytes / 3) * 4;

/**
 * `image`: the file as a data URL (`data:image/png;base64,…`), what a browser's FileReader gives.
 * SVG is refused, not sanitised: it can carry scripts and links to other addresses, and a
 * raster logo does the job. The bytes must be what the data URL says, and whole.
 */
const image = z.string('Image must be a data URL such as data:image/png;base64,…').transform((value, ctx) => {
  const match = DATA_URL.exec(value);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'Image must be a data URL such as data:image/png;base64,…' });
    return z.NEVER;
  }
  const declared = (match[1] as string).toLowerCase();
  const contentType = TYPES[declared];
  if (!contentType) {
    ctx.addIssue({ code: 'custom', message: `Image must be a PNG or JPEG (${declared === 'image/svg+xml' ? 'SVG is not accepted: it can carry scripts' : `not ${declared}`})` });
    return z.NEVER;
  }
  const base64 = match[2] as string;
  if (base64.length > MAX_BASE64 + 4) {
    ctx.addIssue({ code: 'custom', message: `Image is too large (maximum is ${QR_LOGO_LIMITS.maxBytes / 1024} KB)` });
    return z.NEVER;
  }
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > QR_LOGO_LIMITS.maxBytes) {
    ctx.addIssue({ code: 'custom', message: `Image is too large (maximum is ${QR_LOGO_LIMITS.maxBytes / 1024} KB)` });
    return z.NEVER;
  }
  const probe = probeImage(bytes);
  if (!probe.ok) {
    ctx.addIssue({ code: 'custom', message: `Image ${probe.problem}` });
    return z.NEVER;
  }
  const { kind, width, height } = probe.image;
  if (TYPES[`image/${kind}`] !== contentType) {
    ctx.addIssue({ code: 'custom', message: `Image is a ${kind.toUpperCase()}, not the ${declared} its data URL says` });
    return z.NEVER;
  }
  const { minSide, maxSide } = QR_LOGO_LIMITS;
  if (Math.min(width, height) < minSide || Math.max(width, height) > maxSide) {
    ctx.addIssue({ code: 'custom', message: `Image must be from ${minSide} to ${maxSide} pixels on each side (it is ${width}×${height})` });
    return z.NEVER;
  }
  return { content_type: contentType, image: bytes, width, height };
}).describe(`A PNG or JPEG as a data URL; at most ${QR_LOGO_LIMITS.maxBytes / 1024} KB and ${QR_LOGO_LIMITS.minSide} to ${QR_LOGO_LIMITS.maxSide} pixels a side`);

export const putQrLogoBody = z.strictObject({ image });

export const qrLogoObject = z.object({
  content_type: z.enum(['image/png', 'image/jpeg']),
  width: z.number().int(),
  height: z.number().int(),
  bytes: z.number().int(),
  updated_at: z.string(),
}).meta({ id: 'QrLogo' });

export const qrLogoResponse = z.object({ success: z.literal(true), qr_logo: qrLogoObject }).meta({ id: 'QrLogoResponse' });

/** GET's answer: null when no logo has been uploaded (an ordinary state, not a missing resource). */
export const qrLogoState = z.object({ success: z.literal(true), qr_logo: qrLogoObject.nullable() });

export function presentQrLogo(row: QrLogoRow): z.infer<typeof qrLogoObject> {
  return { content_type: row.content_type, width: row.width, height: row.height, bytes: row.image.length, updated_at: row.updated_at.toISOString() };
}
