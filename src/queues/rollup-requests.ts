import type { PackageDay } from '../db/install-rollup-store';
import { redisKey } from '../lib/redis-keys';
import type { Services } from '../services';

/**
 * Which rollup requests a recompute has already answered, so that jobs queued behind a long
 * recompute of a busy package-day are skipped instead of each redoing it.
 *
 * Per (package, day), one Redis hash: `requested` counts requests (taken after the events were
 * committed); `covered` is the highest request number a committed recompute is known to include.
 * A recompute reads `requested` under the package's database lock, before its own snapshot, so
 * every request up to that number had its events visible to it. No clocks are compared.
 */

const TTL_SECONDS = 3 * 24 * 3600;

type Deps = Pick<Services, 'redis' | 'config'>;

function key(deps: Deps, pair: PackageDay): string {
  return redisKey(deps.config, 'install-rollup', pair.packageId, pair.day);
}

/** Numbers each pair's new request; call only after the events it covers are committed. */
export async function numberRollupRequests(deps: Deps, pairs: readonly PackageDay[]): Promise<number[]> {
  if (pairs.length === 0) return [];
  // One transaction per pair: the pairs' keys may sit on different Redis Cluster slots, and
  // each number only has to be atomic with its own expiry. ioredis sends them together.
  const replies = await Promise.all(pairs.map((pair) => deps.redis.multi().hincrby(key(deps, pair), 'requested', 1).expire(key(deps, pair), TTL_SECONDS).exec()));
  return replies.map((results) => {
    const [err, value] = results?.[0] ?? [new Error('no reply'), null];
    if (err) throw err;
    return Number(value);
  });
}

/**
 * undefined when every request so far is already covered; otherwise the request number this
 * recompute will cover. Not just `seq`: a job stands for every request of its debounce bucket
 * (later ones fold into it by job id), and those were numbered after `seq`.
 */
export async function claimRollupRequest(deps: Deps, pair: PackageDay, seq: number): Promise<number | undefined> {
  const [requested, covered] = await deps.redis.hmget(key(deps, pair), 'requested', 'covered');
  const upTo = Math.max(seq, Number(requested ?? 0));
  if (Number(covered ?? 0) >= upTo) return undefined;
  return upTo;
}

const RAISE_COVERED = `
local current = tonumber(redis.call('HGET', KEYS[1], 'covered') or '0')
if tonumber(ARGV[1]) > current then redis.call('HSET', KEYS[1], 'covered', ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

/** After the recompute committed: requests up to `upTo` need no further recompute. */
export async function markRollupCovered(deps: Deps, pair: PackageDay, upTo: number): Promise<void> {
  await deps.redis.eval(RAISE_COVERED, 1, key(deps, pair), upTo, TTL_SECONDS);
}
