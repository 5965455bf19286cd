import type { Config } from '../config';
import type { Logger } from '../logger';
import { redisKey } from '../lib/redis-keys';
import type { Services } from '../services';
import type { RedisClient } from '../redis';
import { withTimeout } from '../lib/timeout';

/**
 * Every web process keeps its own link cache; a change made through one must reach the others
 * at once. After a change commits, the API publishes the affected short codes on one Redis
 * channel, and each web process, subscribed on a connection of its own, drops them from its
 * cache. Pub/sub is fire-and-forget: a process that was disconnected when a message went out
 * clears its whole cache on reconnect, and the cache's short freshness (1 s) bounds staleness
 * when Redis is away altogether.
 */

export function linkInvalidationChannel(config: Config): string {
  return redisKey(config, 'links', 'invalidate');
}

const PUBLISH_TIMEOUT_MS = 1000;

/** Short codes cannot contain spaces, so a space-separated list is an unambiguous message. */
export async function publishLinkInvalidation(services: Services, codes: readonly string[]): Promise<void> {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return;
  try {
    // The change is already committed: a slow Redis must not hold the API response for long.
    await withTimeout(services.redis.publish(linkInvalidationChannel(services.config), unique.join(' ')), PUBLISH_TIMEOUT_MS, 'redis');
  } catch (err) {
    // The change is committed; other processes will see it when their cache entry ages out.
    services.logger.warn({ category: 'link-cache', err: (err as Error).message }, 'could not publish link invalidation; caches refresh within their TTL');
  }
}

/** What a subscriber drops entries from: the edge's link cache (proxy/link-cache.ts). */
export interface InvalidatedCache {
  invalidate(code: string): void;
  clear(): void;
}

export interface LinkInvalidationSubscriber {
  close(): Promise<void>;
}

/**
 * `subscriber` is a connection of its own (redis.ts, kind 'subscriber'): a subscribed
 * connection cannot issue other commands, so it is never the shared one; it retries forever
 * and re-subscribes by itself after a reconnect. It is closed with the subscription.
 */
export function subscribeLinkInvalidation(subscriber: RedisClient, config: Config, cache: InvalidatedCache, logger: Logger): LinkInvalidationSubscriber {
  const channel = linkInvalidationChannel(config);
  let warned = false;
  subscriber.on('error', (err) => {
    if (!warned) logger.warn({ category: 'link-cache', err: err.message }, 'link invalidation subscriber lost Redis; relying on cache TTL');
    warned = true;
  });
  subscriber.on('ready', () => {
    // Whatever was published while we were away is lost: start from an empty cache.
    cache.clear();
    warned = false;
  });
  subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    for (const code of message.split(' ')) if (code) cache.invalidate(code);
  });
  subscriber.subscribe(channel).catch((err: unknown) => {
    logger.warn({ category: 'link-cache', err: (err as Error).message }, 'could not subscribe to link invalidations yet');
  });
  return {
    async close() {
      subscriber.disconnect();
    },
  };
}
