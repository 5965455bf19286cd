import type { RedisClient } from '../redis';

export interface WindowCount {
  count: number;
  /** Seconds until the window ends. */
  ttl: number;
}

/**
 * Counts one event under `key` in a fixed window that starts with the key's first event: INCR,
 * EXPIRE NX and TTL in one transaction on one key (so it works on Redis Cluster). Shared by the
 * attempt budgets of link passwords and account sign-ins. Throws when Redis refuses; callers
 * fail closed.
 */
export async function countInWindow(redis: RedisClient, key: string, windowSeconds: number): Promise<WindowCount> {
  const results = await redis.multi().incr(key).expire(key, windowSeconds, 'NX').ttl(key).exec();
  if (!results || results.some(([err]) => err)) throw new Error('attempt counter failed');
  const ttl = Number(results[2]?.[1]);
  return { count: Number(results[0]?.[1]), ttl: ttl > 0 ? ttl : windowSeconds };
}
