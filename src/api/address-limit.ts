import type { Request, Response } from 'express';
import { clientIp } from '../lib/client-ip';
import { allowanceHeaders, allowanceMessage, takeAddressAllowance } from '../domain/address-allowance';
import type { Services } from '../services';
import { ApiError } from './errors';
import type { ResponseSpec } from './route';

/** The 429 that a route calling consumeAddressRequest declares, so its document shows the limit's headers. */
export const ADDRESS_LIMITED: ResponseSpec = { description: 'Too many requests from this address this minute (see Retry-After)', rateLimitHeaders: true };

/**
 * The API's per-address, per-minute allowance for its public, unauthenticated endpoints
 * (install-start, install-progress, the directory and public collections): the
 * X-RateLimit-* headers on every answer, and past the limit a 429 in the path's envelope with
 * Retry-After. See domain/address-allowance.ts for how addresses are counted.
 */
export async function consumeAddressRequest(services: Services, req: Request, res: Response, bucket: string, perMinute: number, now = Date.now()): Promise<void> {
  const allowance = await takeAddressAllowance(services, clientIp(req, services.config.trustProxyHops), bucket, perMinute, now);
  if (!allowance) return;
  for (const [name, value] of Object.entries(allowanceHeaders(allowance))) res.setHeader(name, value);
  if (allowance.retryAfterSeconds !== undefined) throw new ApiError(429, allowanceMessage(allowance));
}
