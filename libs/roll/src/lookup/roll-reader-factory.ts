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
    close: async () => {
      redis.disconnect();
      await pool.end();
    },
  };
}
