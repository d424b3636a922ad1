import type Redis from 'ioredis';
import { isCluster, type RedisClient } from '../client/redis-client';

/**
 * The servers that hold the keys: the one server, or each master of a Redis Cluster (known once
 * the client is ready; each connects at its first command). For what must visit every key (a
 * SCAN, the leak scan, a test's cleanup), which a cluster client would send to one node only.
 */
export function keyHolders(redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes('master') : [redis];
}
