import type { RedisClient } from '../client/redis-client';
import { slotChunks } from './slot-chunks';

/** Most keys in one MGET: a batch of thousands is read by a few commands, none holding Redis long. */
const MGET_MAX_KEYS = 10_000;

/**
 * The values of `keys` (null where absent), in their order: one MGET on one server; on a cluster,
 * one MGET per slot, sent together (one pipeline per node) and put back in order. Rejects as one
 * MGET would when any part fails, so a caller's fail-open path is the same on both.
 */
export async function readMany(redis: Pick<RedisClient, 'mget'>, keys: string[]): Promise<Array<string | null>> {
  if (keys.length === 0) return [];
  const chunks = slotChunks(redis, keys, MGET_MAX_KEYS);
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
