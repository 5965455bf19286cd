import type { RedisClient } from '../redis';
import type { Config } from '../config';
import { addressBlock } from '../lib/address-block';
import { keyedHash } from '../lib/secrets';
import { redisKey } from '../lib/redis-keys';
import { withTimeout } from '../lib/timeout';
import { countInWindow, type WindowCount } from '../queues/window-counter';

export interface AttemptLimits {
  /** Attempts one address block (an IPv4 address, an IPv6 /64) may make, across all links, per window. */
  perAddress: number;
  /** Wrong passwords one link may receive, from everyone, per window, before it counts as under attack. */
  attackThreshold: number;
  /** Attempts one address block may make on a link under attack, per window. */
  perAddressUnderAttack: number;
  /** On a link under attack every answer waits this much longer per wrong password past the threshold… */
  delayStepMs: number;
  /** …up to this. */
  maxDelayMs: number;
  windowSeconds: number;
}

/** The figures README.md ("Password links: attempt limits") documents. */
export const DEFAULT_ATTEMPT_LIMITS: AttemptLimits = {
  perAddress: 20,
  attackThreshold: 20,
  perAddressUnderAttack: 3,
  delayStepMs: 50,
  maxDelayMs: 2000,
  windowSeconds: 15 * 60,
};

/** Allowed after waiting `delayMs` (0 unless the link is under attack), or refused for a while. */
export type AttemptDecision = { allowed: true; delayMs: number } | { allowed: false; retryAfterSeconds: number };

const REDIS_TIMEOUT_MS = 1000;

/**
 * Brute-force brake for link passwords, counted in Redis so every web process shares it.
 *
 * - Each address block has a budget of attempts across all links. A block, not an address:
 *   one IPv6 /64 is otherwise an endless supply of fresh addresses.
 * - A link's wrong passwords are counted too, but never lock the link: a guesser spread over
 *   many blocks only puts the link "under attack", where each block gets a much smaller budget
 *   on it and every answer (right or wrong alike, so timing tells nothing) waits a delay that
 *   grows with the failures. A visitor who knows the password gets in at the first or second
 *   try from their own block, a little slower, however many others are guessing.
 *
 * Each attempt is counted before the (deliberately slow) scrypt check runs, so a burst of
 * parallel guesses cannot slip past a budget and an over-budget guess costs us no hashing.
 * Addresses appear here only as keyed hashes. When Redis cannot answer, the methods throw:
 * the caller fails closed (no unthrottled guessing while the limiter is blind).
 */
export class PasswordAttempts {
  constructor(
    private readonly redis: RedisClient,
    private readonly config: Config,
    private readonly limits: AttemptLimits = DEFAULT_ATTEMPT_LIMITS,
  ) {}

  async consume(linkId: number, ip: string): Promise<AttemptDecision> {
    const block = keyedHash(this.config.appSecret, 'password-attempts-ip', addressBlock(ip)).slice(0, 32);
    // One key per transaction, so the keys may live on different Redis Cluster slots.
    const [byAddress, onLink, failures] = await withTimeout(
      Promise.all([
        this.count(redisKey(this.config, 'pwtry', 'ip', block)),
        this.count(redisKey(this.config, 'pwtry', 'link-ip', linkId, block)),
        this.redis.get(this.failureKey(linkId)).then(Number),
      ]),
      REDIS_TIMEOUT_MS,
      'redis',
    );
    if (byAddress.count > this.limits.perAddress) return { allowed: false, retryAfterSeconds: byAddress.ttl };
    const excess = failures - this.limits.attackThreshold;
    if (excess < 0) return { allowed: true, delayMs: 0 };
    if (onLink.count > this.limits.perAddressUnderAttack) return { allowed: false, retryAfterSeconds: onLink.ttl };
    return { allowed: true, delayMs: Math.min(this.limits.maxDelayMs, (excess + 1) * this.limits.delayStepMs) };
  }

  /** A wrong password on this link (the right one is not counted). */
  async failed(linkId: number): Promise<void> {
    await withTimeout(this.count(this.failureKey(linkId)), REDIS_TIMEOUT_MS, 'redis');
  }

  private failureKey(linkId: number): string {
    return redisKey(this.config, 'pwtry', 'link', linkId);
  }

  private count(key: string): Promise<WindowCount> {
    return countInWindow(this.redis, key, this.limits.windowSeconds);
  }
}
