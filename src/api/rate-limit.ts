import type { Response } from 'express';
import { DAILY_REQUEST_LIMIT, type Plan } from '../lib/plans';
import { redisKey } from '../lib/redis-keys';
import type { Services } from '../services';
import { ApiError } from './errors';
import { utcDay } from '../lib/days';

export function nextUtcMidnight(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

function dailyRequestKey(services: Services, userId: number, now: Date): string {
  return redisKey(services.config, 'ratelimit', userId, utcDay(now));
}

/** Requests each user has made today (UTC), in the order of `userIds`. */
export async function requestsToday(services: Services, userIds: readonly number[], now = new Date()): Promise<number[]> {
  if (userIds.length === 0) return [];
  // One GET per key rather than MGET: the keys may live on different Redis Cluster slots.
  const pipeline = services.redis.pipeline();
  for (const id of userIds) pipeline.get(dailyRequestKey(services, id, now));
  const results = (await pipeline.exec()) ?? [];
  return userIds.map((_, i) => Number(results[i]?.[1] ?? 0));
}

/**
 * Counts one API request against the user's daily allowance. INCR in Redis is atomic, so the
 * count is exact across any number of web processes; the key expires shortly after its day.
 */
export async function consumeDailyRequest(services: Services, userId: number, plan: Plan, res: Response, now = new Date()): Promise<void> {
  const limit = DAILY_REQUEST_LIMIT[plan];
  const reset = nextUtcMidnight(now);
  const resetSeconds = Math.floor(reset.getTime() / 1000);
  const key = dailyRequestKey(services, userId, now);
  let count: number;
  try {
    const results = await services.redis.multi().incr(key).expireat(key, resetSeconds + 3600).exec();
    count = Number(results?.[0]?.[1]);
  } catch (err) {
    services.logger.error({ category: 'rate-limit', err: (err as Error).message }, 'rate limit store unavailable');
    throw new ApiError(503, 'Service temporarily unavailable, please retry');
  }
  res.setHeader('X-RateLimit-Limit', String(limit));
  res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
  res.setHeader('X-RateLimit-Reset', String(resetSeconds));
  if (count > limit) {
    res.setHeader('Retry-After', String(Math.max(1, resetSeconds - Math.floor(now.getTime() / 1000))));
    throw new ApiError(429, `Rate limit exceeded: ${limit} requests per day`);
  }
}
