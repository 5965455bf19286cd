import type { Config } from './config';
import { createDb, type Db } from './db/knex';
import { createLogger, type Logger } from './logger';
import { bullPrefix, QueueRegistry } from './queues/registry';
import { createRedis, type RedisClient } from './redis';

/**
 * What every process shares with its modules: configuration, logger, the database pool, a Redis
 * command connection and the queue registry. Built by the entry points and passed down, so
 * nothing connects as a side effect of an import and tests build their own.
 */
export interface Services {
  config: Config;
  logger: Logger;
  db: Db;
  redis: RedisClient;
  queues: QueueRegistry;
}

export function createServices(config: Config, options: { logger?: Logger; dbPoolMax?: number } = {}): Services {
  const logger = options.logger ?? createLogger(config.logLevel);
  const redis = createRedis(config, 'command');
  // An unhandled 'error' event would crash the process; connection trouble is logged and retried.
  redis.on('error', (err) => logger.warn({ category: 'redis', err: err.message }, 'redis connection error'));
  return {
    config,
    logger,
    db: createDb(config.databaseUrl, { max: options.dbPoolMax ?? config.databasePoolMax, ssl: config.databaseSsl }, logger),
    redis,
    queues: new QueueRegistry(redis, bullPrefix(config.redisPrefix), (queue, err) => logger.warn({ category: 'queues', queue, err: err.message }, 'queue connection error')),
  };
}

export async function closeServices(services: Services): Promise<void> {
  await services.queues.close();
  services.redis.disconnect();
  await services.db.destroy();
}
