import type { RedisClient } from '@parchee/redis';

/**
 * Deletes every key matching `pattern`, a page of SCAN at a time. Not KEYS and one DEL: after a
 * lookup benchmark the machine's Redis holds millions of keys, and spreading them into one call
 * overflowed the stack. Returns how many were deleted.
 */
export async function unlinkMatching(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for await (const page of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
    if (page.length > 0) deleted += await redis.unlink(...page);
  }
  return deleted;
}
