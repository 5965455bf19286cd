import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config';

/** A connection to one Redis or to a Redis Cluster; every module takes either. */
export type RedisClient = Redis | Cluster;

type RedisSettings = Pick<Config, 'redisUrl' | 'redisClusterNodes' | 'redisTlsRejectUnauthorized'>;

/**
 * Connections for commands issued while serving a request fail fast when Redis is away
 * (no offline queue), so callers can degrade instead of hanging. BullMQ workers and the
 * pub/sub subscriber need connections that retry forever: `maxRetriesPerRequest: null`.
 *
 * With REDIS_CLUSTER_NODES every connection is a cluster connection seeded with those nodes;
 * REDIS_URL still supplies the password and whether to speak TLS. A rediss:// URL gets TLS
 * whose certificate check follows REDIS_TLS_REJECT_UNAUTHORIZED (providers such as Heroku
 * hand out self-signed certificates).
 */
export function createRedis(target: RedisSettings | string, kind: 'command' | 'worker' | 'subscriber'): RedisClient {
  // A bare URL (tests, tools): one Redis, certificates checked.
  const settings = typeof target === 'string' ? { redisUrl: target, redisClusterNodes: null, redisTlsRejectUnauthorized: true } : target;
  const url = new URL(settings.redisUrl);
  const tls = url.protocol === 'rediss:' ? { tls: { rejectUnauthorized: settings.redisTlsRejectUnauthorized } } : {};
  const perRequest: RedisOptions =
    kind === 'command'
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 }
      : { maxRetriesPerRequest: null, connectTimeout: 2000 };
  if (!settings.redisClusterNodes) return new Redis(settings.redisUrl, { ...perRequest, ...tls, lazyConnect: false });

  const { enableOfflineQueue, ...nodeOptions } = perRequest;
  return new Cluster(settings.redisClusterNodes, {
    // BullMQ and the fail-fast paths need the same semantics per node as on a single Redis.
    enableOfflineQueue: enableOfflineQueue ?? true,
    redisOptions: {
      ...nodeOptions,
      ...tls,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
    },
    // A command connection must fail fast rather than wait for the slot map.
    ...(kind === 'command' ? { clusterRetryStrategy: (times: number) => Math.min(100 * times, 2000) } : {}),
  });
}

/** host:port of the Redis the settings name, for error messages (never the password). */
export function redisAddress(settings: Pick<Config, 'redisUrl' | 'redisClusterNodes'>): string {
  if (settings.redisClusterNodes) return settings.redisClusterNodes.map((n) => `${n.host}:${n.port}`).join(',');
  const url = new URL(settings.redisUrl);
  return `${url.hostname}:${url.port || '6379'}`;
}
