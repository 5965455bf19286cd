import { createHash } from 'node:crypto';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import type { RedisClient } from '../redis';
import { directoryCountKey, listPublicPackages, type DirectoryPage, type DirectoryQuery } from '../db/directory-store';
import { sharedOutageLog } from '../lib/outage-log';
import { redisKey } from '../lib/redis-keys';
import { withTimeout } from '../lib/timeout';

/**
 * The directory as both its readers ask for it (the pkglnk client's /api/directory and the page
 * /directory): one page, whether more follow, and how many packages match in all.
 *
 * Counting visits every match (a common word: 14,000 rows of 100,000, most of the table), so a
 * count of COUNT_CACHE_MIN or more is kept in Redis for COUNT_TTL_SECONDS per normalised search
 * and topic, shared by every web process; such a total may lag a change by that long (the page
 * itself corrects it on the last page, and `hasMore` is always read with the page). Smaller
 * counts cost little and are always counted afresh, so a search a person has just made a package
 * for counts it at once. Without Redis, everything is counted.
 */

export const COUNT_CACHE_MIN = 1000;
export const COUNT_TTL_SECONDS = 30;
const REDIS_TIMEOUT_MS = 200;
const CACHE_OUTAGE = 'directory count cache (counting every request)';

interface Deps {
  db: Db;
  redis: RedisClient;
  config: Config;
  logger: Logger;
}

function countKey(config: Config, query: Pick<DirectoryQuery, 'search' | 'topic'>): string {
  return redisKey(config, 'dircount', createHash('sha256').update(directoryCountKey(query)).digest('base64url').slice(0, 22));
}

async function cachedCount(deps: Deps, key: string): Promise<number | undefined> {
  const outage = sharedOutageLog(deps.logger, CACHE_OUTAGE, { category: 'directory' });
  try {
    const value = await withTimeout(deps.redis.get(key), REDIS_TIMEOUT_MS, 'redis');
    outage.succeeded();
    const count = value === null ? Number.NaN : Number(value);
    return Number.isSafeInteger(count) && count >= 0 ? count : undefined;
  } catch (err) {
    outage.failed(err);
    return undefined;
  }
}

export async function searchDirectory(deps: Deps, query: DirectoryQuery): Promise<DirectoryPage> {
  const key = countKey(deps.config, query);
  const cached = await cachedCount(deps, key);
  const page = await listPublicPackages(deps.db, query, cached);
  if (cached === undefined && page.total >= COUNT_CACHE_MIN) {
    // Not awaited: the answer does not depend on it, and a failure only means counting again.
    deps.redis.set(key, String(page.total), 'EX', COUNT_TTL_SECONDS).catch((err: unknown) => {
      sharedOutageLog(deps.logger, CACHE_OUTAGE, { category: 'directory' }).failed(err);
    });
  }
  return page;
}
