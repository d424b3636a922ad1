import Redis, { Cluster, type RedisOptions } from 'ioredis';
import { parseRedisAddress } from '@parchee/config';
import type { RedisClient } from '../client/redis-client';
import { keyHolders } from '../slots/key-holders';
import { groupBySlot } from '../slots/key-slot';

export { keyHolders };

/** ioredis's own options, for a test that needs a client the production policy would not give it. */
export type TestRedisOptions = RedisOptions;

/**
 * The Redis the integration specs run against: the machine's Redis, or PARCHEE_TEST_REDIS_URL,
 * which the cluster run of the Redis specs (jest.int-cluster.config.js) sets to the local Redis
 * Cluster (deploy/local/redis-cluster.sh). `database` picks a numbered database of a single
 * server; a cluster has only database 0, and is the tests' own.
 */
export function testRedisUrl(database?: number): string {
  const url = process.env['PARCHEE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  if (database === undefined || parseRedisAddress(url).mode === 'cluster') return url;
  return `${url.replace(/\/\d*$/, '')}/${database}`;
}

/** Whether the specs run against a Redis Cluster (PARCHEE_TEST_REDIS_URL is a redis-cluster:// URL). */
export function testingOnCluster(): boolean {
  return parseRedisAddress(testRedisUrl()).mode === 'cluster';
}

/**
 * A plain client for specs: ioredis's defaults (an offline queue, so a spec can send at once)
 * under `options`, of a single server or of a cluster as the URL says; a cluster client takes
 * `enableOfflineQueue` and `retryStrategy` for itself and the rest for each node. Production code
 * takes its client from `createRedisClient`, never from here.
 */
export function testRedis(url: string = testRedisUrl(), options: TestRedisOptions = {}): RedisClient {
  const address = parseRedisAddress(url);
  if (address.mode === 'single') return new Redis(url, options);
  const { enableOfflineQueue, retryStrategy, ...node } = options;
  return new Cluster(address.nodes, {
    enableOfflineQueue: enableOfflineQueue ?? true,
    ...(retryStrategy === undefined ? {} : { clusterRetryStrategy: retryStrategy }),
    // A node's disconnect waits this long for its socket to close: ioredis's 2 s would hold Jest open after the specs.
    redisOptions: { disconnectTimeout: 200, ...node, username: address.username, password: address.password, ...(address.tls ? { tls: {} } : {}) },
  });
}

/**
 * A client of a Redis that is not there (port 1 refuses), for the fail-open specs: it connects at
 * its first command, has no offline queue and never retries, so every command fails at once.
 */
export function unreachableRedis(options: TestRedisOptions = {}): RedisClient {
  const redis = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    ...options,
  });
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Every key matching `pattern`, by SCAN on each key holder: never KEYS, which would block the
 * machine's shared Redis while it walks the millions of keys a benchmark may have left.
 */
export async function keysMatching(redis: RedisClient, pattern: string): Promise<string[]> {
  const pages = await Promise.all(
    keyHolders(redis).map(async (node) => {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        keys.push(...found);
        cursor = next;
      } while (cursor !== '0');
      return keys;
    }),
  );
  return [...new Set(pages.flat())];
}

/** DEL of `keys`, one command per slot on a cluster; how many there were. */
export async function deleteKeys(redis: RedisClient, keys: Iterable<string>): Promise<number> {
  const all = [...keys];
  const deleted = await Promise.all(groupBySlot(all).map((group) => redis.del(...group.map((i) => all[i]))));
  return deleted.reduce((a, b) => a + b, 0);
}

/** Deletes every key matching `pattern`; how many there were. */
export async function deleteMatching(redis: RedisClient, pattern: string): Promise<number> {
  return deleteKeys(redis, await keysMatching(redis, pattern));
}

/**
 * Counts the socket writes of `redis` (each master's, on a cluster) until `stop`: how a spec
 * proves that commands went out together, one write per server for each round trip.
 */
export function countWrites(redis: RedisClient): { count(): number; stop(): void } {
  let writes = 0;
  const restore = keyHolders(redis).map((node) => {
    const stream = (node as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
    const write = stream.write;
    stream.write = (...args: unknown[]) => {
      writes++;
      return write.apply(stream, args);
    };
    return () => void (stream.write = write);
  });
  return { count: () => writes, stop: () => restore.forEach((r) => r()) };
}
