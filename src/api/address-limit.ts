import type { Request, Response } from 'express';
import { clientIp } from '../lib/client-ip';
import { allowanceHeaders, allowanceMessage, takeAddressAllowance } from '../domain/address-allowance';
import type { Services } from '../services';
import { ApiError } from './errors';

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
