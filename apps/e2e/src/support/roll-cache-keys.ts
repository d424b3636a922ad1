import { KeyedHasher } from '@parchee/privacy';
import { RedisKeys } from '@parchee/redis';
import { testRedis } from '@parchee/redis/testing';
import { E2E_STATE } from './e2e-paths';
import { ensureSecrets } from '@parchee/suite';

/**
 * Deletes whatever the lookup cache holds for these CNICs, in every roll version, so the next
 * lookup has to reach PostgreSQL. Keys carry only the keyed hash, which is why the pepper is needed.
 */
export async function forgetCachedVoters(cnics: string[]): Promise<number> {
  const hasher = new KeyedHasher(ensureSecrets(E2E_STATE).pepper);
  const redis = testRedis(process.env['PARCHEE_REDIS_URL'] ?? 'redis://127.0.0.1:6379');
  try {
    let deleted = 0;
    for (const cnic of cnics) {
      const keys = await redis.keys(`${RedisKeys.ROLL}*:${KeyedHasher.text(hasher.cnic(cnic))}`);
      if (keys.length > 0) deleted += await redis.del(...keys);
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}
