import { groupBySlot, keyHolders, type RedisClient } from '@parchee/redis';

/**
 * Deletes every key matching `pattern`, a page of SCAN at a time, on each server that holds keys
 * (each master of a Redis Cluster). Not KEYS and one DEL: after a lookup benchmark the machine's
 * Redis holds millions of keys, and spreading them into one call overflowed the stack. On a
 * cluster a page's keys go one UNLINK per slot. Returns how many were deleted.
 */
export async function unlinkMatching(redis: RedisClient, pattern: string): Promise<number> {
  let deleted = 0;
  for (const server of keyHolders(redis)) {
    for await (const page of server.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
      for (const group of groupBySlot(page)) deleted += await redis.unlink(...group.map((i) => page[i]));
    }
  }
  return deleted;
}
