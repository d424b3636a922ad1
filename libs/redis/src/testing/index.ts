import Redis, { type RedisOptions } from 'ioredis';
import type { RedisClient } from '../client/redis-client';

/** ioredis's own options, for a test that needs a client the production policy would not give it. */
export type TestRedisOptions = RedisOptions;

/** The machine's Redis, or PARCHEE_TEST_REDIS_URL; `database` picks a numbered database of it. */
export function testRedisUrl(database?: number): string {
  const url = process.env['PARCHEE_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  return database === undefined ? url : `${url.replace(/\/\d*$/, '')}/${database}`;
}

/**
 * A plain client for specs: ioredis's defaults (an offline queue, so a spec can send at once)
 * under `options`. Production code takes its client from `createRedisClient`, never from here.
 */
export function testRedis(url: string = testRedisUrl(), options: TestRedisOptions = {}): RedisClient {
  return new Redis(url, options);
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
