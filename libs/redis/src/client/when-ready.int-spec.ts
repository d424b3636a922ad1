import Redis from 'ioredis';
import { testRedis, testRedisUrl } from '../testing';
import { whenReady } from './when-ready';

describe('whenReady against real Redis', () => {
  it('resolves true once a new client can answer, and a command then succeeds without an offline queue', async () => {
    const redis = testRedis(testRedisUrl(), { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      expect(await whenReady(redis, 5000)).toBe(true);
      expect(await redis.ping()).toBe('PONG');
      expect(await whenReady(redis, 1)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('resolves false when Redis cannot be reached and the client gives up', async () => {
    // No reconnection: the client ends by itself, so nothing is left to close.
    const redis = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    expect(await whenReady(redis, 10_000)).toBe(false);
    expect(redis.status).toBe('end');
  });
});
