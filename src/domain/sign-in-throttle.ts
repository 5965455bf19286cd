import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { keyedHash } from '../lib/secrets';
import { redisKey } from '../lib/redis-keys';
import { addressGroup } from '../lib/visitor-hash';

export interface SignInLimits {
  /** Password checks against one account per window, from anywhere (a successful sign-in resets it). */
  perAccount: number;
  /** Password checks (sign-in, sign-up, password change) from one IPv4 address or IPv6 /64 per window. */
  perAddress: number;
  windowSeconds: number;
}

/** 10 guesses per account per 15 minutes: under 1,000 a day against any one account. */
export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = { perAccount: 10, perAddress: 50, windowSeconds: 15 * 60 };

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Brute-force brake for account passwords, counted in Redis so every web process shares it.
 * An attempt is counted before the (slow) password check, so parallel guesses cannot slip past
 * the limit and a refused one costs no hashing. Keys hold keyed hashes of the email and of the
 * address group, never either value.
 */
export class SignInThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly config: Config,
    private readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
  ) {}

  async consume(ip: string, email?: string): Promise<ThrottleDecision> {
    const counts = [this.count(this.addressKey(ip), this.limits.perAddress)];
    if (email !== undefined) counts.push(this.count(this.accountKey(email), this.limits.perAccount));
    const retryAfterSeconds = Math.max(0, ...(await Promise.all(counts)));
    return retryAfterSeconds > 0 ? { allowed: false, retryAfterSeconds } : { allowed: true };
  }

  /** After a successful sign-in the account's count starts again; the address's does not. */
  async forgetAccount(email: string): Promise<void> {
    await this.redis.del(this.accountKey(email));
  }

  private accountKey(email: string): string {
    return redisKey(this.config, 'signin', 'account', keyedHash(this.config.appSecret, 'sign-in-account', email.toLowerCase()).slice(0, 32));
  }

  private addressKey(ip: string): string {
    return redisKey(this.config, 'signin', 'address', keyedHash(this.config.appSecret, 'sign-in-address', addressGroup(ip)).slice(0, 32));
  }

  /** Counts one attempt; returns 0 when within the limit, else the seconds until the window ends. */
  private async count(key: string, limit: number): Promise<number> {
    const results = await this.redis.multi().incr(key).expire(key, this.limits.windowSeconds, 'NX').ttl(key).exec();
    if (!results || results.some(([err]) => err)) throw new Error('sign-in attempt counter failed');
    if (Number(results[0]?.[1]) <= limit) return 0;
    const ttl = Number(results[2]?.[1]);
    return ttl > 0 ? ttl : this.limits.windowSeconds;
  }
}
