import { Cluster, Redis } from 'ioredis';
import { createRunDatabase, dropRunDatabase } from './test-database';

/**
 * Mocha root hooks: one database and one Redis key prefix for this test run, set in the
 * environment before any test builds its configuration.
 */
export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(60_000);
    process.env.NODE_ENV = 'test';
    process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'silent';
    process.env.REDIS_PREFIX = `lt_test_${process.pid}`;
    process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
    process.env.APP_SECRET = 'test-secret-test-secret-test-secret-0123';
    // Account passwords at scrypt's lowest accepted cost: the default's 128 MiB per hash is for
    // production (its cost is covered by a unit test), not for hundreds of sign-ins in tests.
    process.env.PASSWORD_HASH_COST = '14';
    process.env.DATABASE_URL = await createRunDatabase();
  },
  async afterAll(this: Mocha.Context) {
    // DROP DATABASE waits for a checkpoint, which flushes every dirty buffer of the server: on a
    // machine busy with other runs that has been seen to take well over 30 s.
    this.timeout(180_000);
    if (process.env.DATABASE_URL) await dropRunDatabase(process.env.DATABASE_URL);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await deleteKeys(redis, `*${process.env.REDIS_PREFIX}*`);
    redis.disconnect();
  },
};

/** SCAN walks one node: on a cluster, every master is walked. */
export async function deleteKeys(redis: Redis | Cluster, pattern: string): Promise<void> {
  if (redis instanceof Cluster) {
    await Promise.all(redis.nodes('master').map((node) => deleteKeys(node, pattern)));
    return;
  }
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
