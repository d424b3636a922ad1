import { isCluster } from '../client/redis-client';
import { groupBySlot } from './key-slot';

/**
 * The positions of `keys` in the groups one multi-key command or script may take, at most `max`
 * keys each: on one server, runs of consecutive keys; on a cluster, the keys of each slot (then
 * split at `max`), since a command over keys of several slots is refused there (CROSSSLOT). Keys
 * spread over many slots (hashes of numbers, CNICs, MT ids) make as many groups as keys on a
 * cluster: the commands of one turn then go out together anyway, one pipeline per node, by the
 * client's auto-pipelining (redis-client.ts).
 */
export function slotChunks(redis: object, keys: ReadonlyArray<string>, max: number): number[][] {
  if (!isCluster(redis)) {
    const chunks: number[][] = [];
    for (let start = 0; start < keys.length; start += max) {
      chunks.push(Array.from({ length: Math.min(max, keys.length - start) }, (_, i) => start + i));
    }
    return chunks;
  }
  const chunks: number[][] = [];
  for (const group of groupBySlot(keys)) {
    for (let start = 0; start < group.length; start += max) chunks.push(group.slice(start, start + max));
  }
  return chunks;
}
