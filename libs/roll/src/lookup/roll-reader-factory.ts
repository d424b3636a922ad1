import { createRollPool } from '../connection/postgres-pool';
import { createRollRedis } from '../connection/redis-client';
import { RollConnectionOptions } from '../connection/roll-connection-options';
import { RollCache, RollCacheOptions } from './roll-cache';
import { RollReader, RollReaderOptions } from './roll-reader';
import { RollRepository } from './roll-repository';

export interface RollReaderHandle {
  reader: RollReader;
  repository: RollRepository;
  cache: RollCache;
  /**
   * Resolves true once Redis is connected, false after `timeoutMs` (default 2000). Never throws:
   * lookups work without Redis, this only lets a service start with a warm path.
   */
  cacheReady(timeoutMs?: number): Promise<boolean>;
  /** Closes the pool and the Redis connection this handle created. */
  close(): Promise<void>;
}

/** Builds a reader with its own pg pool and fail-fast Redis client. */
export function createRollReader(
  connection: RollConnectionOptions,
  options: RollReaderOptions & { cache?: RollCacheOptions } = {},
): RollReaderHandle {
  const pool = createRollPool(connection.postgres, options.logger);
  const redis = createRollRedis(connection.redis, options.logger);
  const repository = new RollRepository(pool);
  const cache = new RollCache(redis, options.cache);
  const reader = new RollReader(repository, cache, options);
  return {
    reader,
    repository,
    cache,
    cacheReady: (timeoutMs = 2000) =>
      new Promise<boolean>((resolve) => {
        if (redis.status === 'ready') return resolve(true);
        const done = (ok: boolean) => {
          clearTimeout(timer);
          redis.off('ready', onReady);
          resolve(ok);
        };
        const onReady = () => done(true);
        const timer = setTimeout(() => done(false), timeoutMs);
        redis.on('ready', onReady);
      }),
    close: async () => {
      redis.disconnect();
      await pool.end();
    },
  };
}
