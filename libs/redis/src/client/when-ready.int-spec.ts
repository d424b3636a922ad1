import Redis from 'ioredis';
import { whenReady } from './when-ready';

describe('whenReady against real Redis', () => {
  it('resolves true once a new client can answer, and a command then succeeds without an offline queue', async () => {
    const redis = new Redis('redis://127.0.0.1:6379', { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      expect(await whenReady(redis, 5000)).toBe(true);
      expect(await redis.ping()).toBe('PONG');
      expect(await whenReady(redis, 1)).toBe(true);
    } finally {
      redis.disconnect();
    }
  });

  it('resolves false after its timeout when Redis cannot be reached', async () => {
    const redis = new Redis('redis://127.0.0.1:1', { enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => 50, connectTimeout: 100 });
    redis.on('error', () => undefined);
    try {
      const started = Date.now();
      expect(await whenReady(redis, 200)).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      const ended = new Promise((resolve) => redis.once('end', resolve));
      redis.disconnect();
      await ended;
    }
  });
});
