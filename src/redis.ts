import { Redis, type RedisOptions } from 'ioredis';

/**
 * Connections for commands issued while serving a request fail fast when Redis is away
 * (no offline queue), so callers can degrade instead of hanging. BullMQ workers need
 * blocking connections that retry forever: `maxRetriesPerRequest: null`.
 */
export function createRedis(url: string, kind: 'command' | 'worker'): Redis {
  const options: RedisOptions =
    kind === 'worker'
      ? { maxRetriesPerRequest: null }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  return new Redis(url, { ...options, lazyConnect: false });
}
