import { isCluster, type RedisClient } from '../client/redis-client';
import { groupBySlot } from './key-slot';

/**
 * The values of `keys` (null where absent), in their order: one MGET on one server; on a cluster,
 * one MGET per slot, sent together (one pipeline per node) and put back in order. Rejects as one
 * MGET would when any part fails, so a caller's fail-open path is the same on both.
 */
export async function readMany(redis: Pick<RedisClient, 'mget'>, keys: string[]): Promise<Array<string | null>> {
  if (keys.length === 0) return [];
  if (!isCluster(redis)) return redis.mget(keys);
  const chunks = groupBySlot(keys);
  if (chunks.length === 1) return redis.mget(keys);
  const values = new Array<string | null>(keys.length);
  await Promise.all(
    chunks.map(async (chunk) => {
      const got = await redis.mget(chunk.map((i) => keys[i]));
      for (let k = 0; k < chunk.length; k++) values[chunk[k]] = got[k] ?? null;
    }),
  );
  return values;
}
