import { createHash } from 'node:crypto';
import type { RedisClient } from '../../redis';
import type { Config } from '../../config';
import { redisKey } from '../../lib/redis-keys';

/**
 * A counting semaphore per receiver origin (scheme://host:port), shared by every worker through
 * Redis: at most `webhookReceiverConcurrency` deliveries to one origin are in flight at once, so
 * a burst of link.clicked events cannot flood a receiver and a slow one holds only that many
 * worker slots. Holders are a sorted set scored by expiry, so a crashed worker's slot frees
 * itself after the attempt timeout. Redis's clock is used so worker clocks need not agree.
 */
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0`;

export interface ReceiverSlot {
  release(): Promise<void>;
}

export function receiverOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url; // an unparsable URL fails at send time; it still gets a slot of its own
  }
}

function slotKey(config: Config, origin: string): string {
  return redisKey(config, 'webhooks', 'inflight', createHash('sha256').update(origin).digest('hex').slice(0, 32));
}

/** A slot for one attempt at `origin`, or undefined when the receiver already has its ceiling in flight. */
export async function acquireReceiverSlot(redis: RedisClient, config: Config, origin: string, holder: string): Promise<ReceiverSlot | undefined> {
  const key = slotKey(config, origin);
  const ttlMs = config.webhookTimeoutMs + 5_000;
  const got = await redis.eval(ACQUIRE, 1, key, ttlMs, config.webhookReceiverConcurrency, holder);
  if (got !== 1) return undefined;
  return {
    async release() {
      await redis.zrem(key, holder);
    },
  };
}
