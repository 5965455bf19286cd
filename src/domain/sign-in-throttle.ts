import type { RedisClient } from '../redis';
import type { Config } from '../config';
import { keyedHash } from '../lib/secrets';
import { redisKey } from '../lib/redis-keys';
import { withTimeout } from '../lib/timeout';
import { countInWindow } from '../queues/window-counter';
import { addressBlock } from '../lib/address-block';

export interface SignInLimits {
  /** Password checks against one account per window, from anywhere (a successful sign-in resets it). */
  perAccount: number;
  /** Password checks (sign-in, sign-up, password change) from one IPv4 address or IPv6 /64 per window. */
  perAddress: number;
  windowSeconds: number;
}

/** 10 guesses per account per 15 minutes: under 1,000 a day against any one account. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 10, perAddress: 50, windowSeconds: 15 * 60 };

const REDIS_TIMEOUT_MS = 1000;

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Brute-force brake for account passwords, counted in Redis so every web process shares it.
 * An attempt is counted before the (slow) password check, so parallel guesses cannot slip past
 * the limit and a refused one costs no hashing. Keys hold keyed hashes of the email and of the
 * address group, never either value.
 */
export class SignInThrottle {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: Config,
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
  ) {}

  async consume(ip: string, email?: string): Promise<ThrottleDecision> {
    const counts = [this.count(this.addressKey(ip), this.limits.perAddress)];
    if (email !== undefined) counts.push(this.count(this.accountKey(email), this.limits.perAccount));
    const retryAfterSeconds = Math.max(0, ...(await withTimeout(Promise.all(counts), REDIS_TIMEOUT_MS, 'redis')));
    return retryAfterSeconds > 0 ? { allowed: false, retryAfterSeconds } : { allowed: true };
  }

  /**
   * After a successful sign-in the account's count starts again; the address's does not. Never
   * throws: a count left standing only means the window runs out as usual.
   */
  async forgetAccount(email: string): Promise<void> {
    await withTimeout(this.redis.del(this.accountKey(email)), REDIS_TIMEOUT_MS, 'redis').catch(() => undefined);
  }

  private accountKey(email: string): string {
    return redisKey(this.config, 'signin', 'account', keyedHash(this.config.appSecret, 'sign-in-account', email.toLowerCase()).slice(0, 32));
  }

  private addressKey(ip: string): string {
    return redisKey(this.config, 'signin', 'address', keyedHash(this.config.appSecret, 'sign-in-address', addressBlock(ip)).slice(0, 32));
  }

  /** Counts one attempt; returns 0 when within the limit, else the seconds until the window ends. */
  private async count(key: string, limit: number): Promise<number> {
    const { count, ttl } = await countInWindow(this.redis, key, this.limits.windowSeconds);
    return count <= limit ? 0 : ttl;
  }
}
