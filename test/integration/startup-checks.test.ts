import assert from 'node:assert/strict';
import { checkPostgres, checkRedis } from '../../src/bin/preflight';
import { createDb } from '../../src/db/knex';
import { createRedis } from '../../src/redis';
import { freePort } from '../helpers/private-servers';

describe('Start-up connection checks', () => {
  it('names DATABASE_URL and PostgreSQL, with the address and the reason, when nothing listens', async () => {
    const port = await freePort();
    const databaseUrl = `postgres://postgres:hunter2@127.0.0.1:${port}/linktally`;
    const db = createDb(databaseUrl, { max: 1 });
    try {
      await assert.rejects(checkPostgres(db, { databaseUrl }), (err: Error) => {
        assert.match(err.message, new RegExp(`^cannot reach PostgreSQL at DATABASE_URL \\(127\\.0\\.0\\.1:${port}\\): connect ECONNREFUSED`));
        assert.ok(!err.message.includes('hunter2'), 'no password in the message');
        return true;
      });
    } finally {
      await db.destroy();
    }
  });

  it('names REDIS_URL and Redis when nothing listens', async () => {
    const port = await freePort();
    const settings = { redisUrl: `redis://127.0.0.1:${port}`, redisClusterNodes: null, redisTlsRejectUnauthorized: true };
    const redis = createRedis(settings, 'command');
    redis.on('error', () => {});
    try {
      await assert.rejects(checkRedis(redis, settings), new RegExp(`^Error: cannot reach Redis at REDIS_URL \\(127\\.0\\.0\\.1:${port}\\): connect ECONNREFUSED`));
    } finally {
      redis.disconnect();
    }
  });
});
