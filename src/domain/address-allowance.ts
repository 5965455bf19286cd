import type { Config } from '../config';
import type { Logger } from '../logger';
import type { RedisClient } from '../redis';
import { addressBlock } from '../lib/address-block';
import { redisKey } from '../lib/redis-keys';
import { sharedOutageLog } from '../lib/outage-log';
import { keyedHash } from '../lib/secrets';
import { withTimeout } from '../lib/timeout';

/** Longest a request waits for its count before it is let through uncounted. */
const REDIS_TIMEOUT_MS = 500;

/** INCR, and on the minute's first request EXPIRE, as one command: a quarter of MULTI/INCR/EXPIRE/EXEC's cost, as atomic. */
const COUNT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end return n";

export interface AddressAllowance {
  limit: number;
  remaining: number;
  /** Unix seconds when the minute ends and the count starts again. */
  resetSeconds: number;
  /** Set when this request went past the limit: seconds until it may try again. */
  retryAfterSeconds?: number;
}

/**
 * A per-address, per-minute request allowance for unauthenticated endpoints, counted atomically
 * in Redis so every web process shares it. The address is reduced to its block (an IPv4 address,
 * an IPv6 /64: addresses one visitor controls) and kept only as a keyed hash of that, never raw.
 * When Redis cannot answer in time the request is let through uncounted (undefined): these
 * limits brake abuse, and a Redis outage must not take the public side down with it.
 */
export async function takeAddressAllowance(
  deps: { redis: RedisClient; config: Config; logger: Logger },
  ip: string,
  bucket: string,
  perMinute: number,
  now = Date.now(),
): Promise<AddressAllowance | undefined> {
  const minute = Math.floor(now / 60_000);
  const address = keyedHash(deps.config.appSecret, 'api-address', addressBlock(ip)).slice(0, 32);
  const key = redisKey(deps.config, 'addrlimit', bucket, address, minute);
  // Logged once per outage, not per request: every public request would log otherwise.
  const outage = sharedOutageLog(deps.logger, 'address limits (requests let through uncounted)', { category: 'rate-limit' });
  let count: number;
  try {
    count = Number(await withTimeout(deps.redis.eval(COUNT, 1, key, 120), REDIS_TIMEOUT_MS, 'redis'));
    if (!Number.isFinite(count)) throw new Error('address counter failed');
  } catch (err) {
    outage.failed(err);
    return undefined;
  }
  outage.succeeded();
  const resetSeconds = (minute + 1) * 60;
  const allowance: AddressAllowance = { limit: perMinute, remaining: Math.max(0, perMinute - count), resetSeconds };
  if (count > perMinute) allowance.retryAfterSeconds = Math.max(1, resetSeconds - Math.floor(now / 1000));
  return allowance;
}

/** The headers every rate-limited answer of the API carries (X-RateLimit-*, and Retry-After when refused). */
export function allowanceHeaders(allowance: AddressAllowance): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(allowance.limit),
    'X-RateLimit-Remaining': String(allowance.remaining),
    'X-RateLimit-Reset': String(allowance.resetSeconds),
  };
  if (allowance.retryAfterSeconds !== undefined) headers['Retry-After'] = String(allowance.retryAfterSeconds);
  return headers;
}

/** The refusal's sentence, the same on every surface. */
export function allowanceMessage(allowance: AddressAllowance): string {
  return `Rate limit exceeded: ${allowance.limit} requests per minute from one address`;
}
