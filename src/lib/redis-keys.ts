/** Redis key under this deployment's prefix, for everything that is not a BullMQ queue. */
export function redisKey(config: { redisPrefix: string }, ...parts: Array<string | number>): string {
  return [config.redisPrefix, ...parts].join(':');
}
