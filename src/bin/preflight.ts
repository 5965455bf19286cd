import { once } from 'node:events';
import type { Config } from '../config';
import { pgAddress } from '../db/pg-connection';
import type { Db } from '../db/knex';
import { withTimeout } from '../lib/timeout';
import { redisAddress, type RedisClient } from '../redis';

const PREFLIGHT_MS = 10_000;

/** The most specific words in a connection error: pg wraps dual-stack failures in an AggregateError with no message. */
export function connectionReason(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return connectionReason(err.errors[0]);
  const e = err as { message?: string; code?: string };
  return e.message || e.code || String(err);
}

export function unreachable(service: 'PostgreSQL' | 'Redis', variable: string, address: string, err: unknown): Error {
  return new Error(`cannot reach ${service} at ${variable} (${address}): ${connectionReason(err)}`);
}

export async function checkPostgres(db: Db, config: Pick<Config, 'databaseUrl'>): Promise<void> {
  try {
    await withTimeout(db.raw('SELECT 1'), PREFLIGHT_MS, 'PostgreSQL');
  } catch (err) {
    throw unreachable('PostgreSQL', 'DATABASE_URL', pgAddress(config.databaseUrl), err);
  }
}

/** Waits for the connection's first 'ready'; its first 'error' (or silence) fails the start. */
export async function checkRedis(redis: RedisClient, config: Pick<Config, 'redisUrl' | 'redisClusterNodes'>): Promise<void> {
  if (redis.status === 'ready') return;
  const variable = config.redisClusterNodes ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL';
  try {
    await withTimeout(
      Promise.race([
        once(redis, 'ready'),
        once(redis, 'error').then(([err]) => Promise.reject(err)),
      ]),
      PREFLIGHT_MS,
      'Redis',
    );
  } catch (err) {
    throw unreachable('Redis', variable, redisAddress(config), err);
  }
}

/** A process that cannot reach its services at start says which variable names which service, and stops. */
export async function checkConnections(services: { db: Db; redis: RedisClient; config: Config }): Promise<void> {
  await Promise.all([checkPostgres(services.db, services.config), checkRedis(services.redis, services.config)]);
}
