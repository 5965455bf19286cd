import type { Request, Response } from 'express';
import { clientIp } from '../lib/client-ip';
import { redisKey } from '../lib/redis-keys';
import { keyedHash } from '../lib/secrets';
import type { Services } from '../services';
import { ApiError } from './errors';
import type { ResponseSpec } from './route';

/** The 429 that a route calling consumeAddressRequest declares, so its document shows the limit's headers. */
export const ADDRESS_LIMITED: ResponseSpec = { description: 'Too many requests from this address this minute (see Retry-After)', rateLimitHeaders: true };

/**
 * A per-address, per-minute request allowance for the public, unauthenticated pkglnk endpoints
 * (install-start, install-progress), counted atomically in Redis under a keyed hash of the
 * address (the raw address is never a key). When Redis cannot answer the request is let through:
 * these endpoints report installs, and an install must never fail because of them.
 */
export async function consumeAddressRequest(services: Services, req: Request, res: Response, bucket: string, perMinute: number, now = Date.now()): Promise<void> {
  const minute = Math.floor(now / 60_000);
  const address = keyedHash(services.config.appSecret, 'api-address', clientIp(req, services.config.trustProxyHops)).slice(0, 32);
  const key = redisKey(services.config, 'addrlimit', bucket, address, minute);
  let count: number;
  try {
    const results = await services.redis.multi().incr(key).expire(key, 120).exec();
    count = Number(results?.[0]?.[1]);
  } catch (err) {
    services.logger.warn({ category: 'rate-limit', bucket, err: (err as Error).message }, 'address limit unavailable; request let through');
    return;
  }
  const reset = (minute + 1) * 60;
  res.setHeader('X-RateLimit-Limit', String(perMinute));
  res.setHeader('X-RateLimit-Remaining', String(Math.max(0, perMinute - count)));
  res.setHeader('X-RateLimit-Reset', String(reset));
  if (count > perMinute) {
    res.setHeader('Retry-After', String(Math.max(1, reset - Math.floor(now / 1000))));
    throw new ApiError(429, `Rate limit exceeded: ${perMinute} requests per minute from one address`);
  }
}
