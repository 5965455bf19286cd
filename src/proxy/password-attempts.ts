import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { keyedHash } from '../lib/secrets';
import { redisKey } from '../lib/redis-keys';

export interface AttemptLimits {
  /** Password attempts one address may make, across all links, per window. */
  perIp: number;
  /** Attempts one link may receive, from all addresses, per window (slows a distributed guesser). */
  perLink: number;
  windowSeconds: number;
}

export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = { perIp: 20, perLink: 100, windowSeconds: 15 * 60 };

export type AttemptDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const REDIS_TIMEOUT_MS = 1000;

/**
 * Brute-force brake for link passwords, counted in Redis so every web process shares it. Each
 * attempt is counted before the (deliberately slow) scrypt check runs, so a burst of parallel
 * guesses cannot slip past the limit and an over-limit guess costs us no hashing. The address
 * is only ever a keyed hash here. When Redis cannot answer, `consume` throws: the caller
 * fails closed (no unthrottled guessing while the limiter is blind).
 */
export class PasswordAttempts {
  constructor(
    private readonly redis: Redis,
    private readonly config: Config,
    private readonly limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS,
  ) {}

  async consume(linkId: number, ip: string): Promise<AttemptDecision> {
    const ipKey = redisKey(this.config, 'pwtry', 'ip', keyedHash(this.config.appSecret, 'password-attempts-ip', ip).slice(0, 32));
    const linkKey = redisKey(this.config, 'pwtry', 'link', linkId);
    // One key per transaction, so the keys may live on different Redis Cluster slots.
    const [byIp, byLink] = await withTimeout(Promise.all([this.count(ipKey), this.count(linkKey)]), REDIS_TIMEOUT_MS);
    const over = [
      byIp.count > this.limits.perIp ? byIp.ttl : 0,
      byLink.count > this.limits.perLink ? byLink.ttl : 0,
    ];
    const retryAfterSeconds = Math.max(...over);
    return retryAfterSeconds > 0 ? { allowed: false, retryAfterSeconds } : { allowed: true };
  }

  private async count(key: string): Promise<{ count: number; ttl: number }> {
    const results = await this.redis.multi().incr(key).expire(key, this.limits.windowSeconds, 'NX').ttl(key).exec();
    if (!results || results.some(([err]) => err)) throw new Error('password attempt counter failed');
    const ttl = Number(results[2]?.[1]);
    return { count: Number(results[0]?.[1]), ttl: ttl > 0 ? ttl : this.limits.windowSeconds };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
