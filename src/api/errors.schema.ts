import { z } from 'zod';

/** The two error envelopes, as errorBody writes them and the OpenAPI document names them. */

export const PKGLNK_CODES = {
  400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed',
  409: 'conflict', 410: 'gone', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'unprocessable',
  429: 'rate_limited', 500: 'internal_error', 503: 'unavailable',
} as const satisfies Record<number, string>;

export const pvtlnkError = z.object({
  success: z.literal(false),
  error: z.string(),
  errors: z.array(z.string()).optional().describe('Per-field validation messages'),
}).meta({ id: 'PvtlnkError', description: 'The PVTLNK error envelope' });

export const pkglnkError = z.object({
  error: z.object({
    code: z.enum(Object.values(PKGLNK_CODES)),
    message: z.string(),
  }),
}).meta({ id: 'PkglnkError', description: 'The pkglnk error envelope' });
