import type { MetricsRegistry } from '@parchee/observability';
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

/**
 * Builds a reader with its own pg pool and fail-fast Redis client. With `metrics`, each cache
 * error the reader reports (at most one per `cacheBypassMs`) counts as
 * parchee_redis_errors_total{use="roll_cache"}.
 */
export function createRollReader(
  connection: RollConnectionOptions,
  options: RollReaderOptions & { cache?: RollCacheOptions; metrics?: MetricsRegistry } = {},
): RollReaderHandle {
  const pool = createRollPool(connection.postgres, options.logger);
  const redis = createRollRedis(connection.redis, { logger: options.logger, metrics: options.metrics });
  const repository = new RollRepository(pool);
  const cache = new RollCache(redis.client, options.cache);
  const observer = options.observer;
  const reader = new RollReader(repository, cache, {
    ...options,
    observer: {
      onCacheHits: (n) => observer?.onCacheHits?.(n),
      onCacheMisses: (n) => observer?.onCacheMisses?.(n),
      onNegativeHits: (n) => observer?.onNegativeHits?.(n),
      onCacheError: (err) => {
        redis.commandFailed('roll_cache');
        observer?.onCacheError?.(err);
      },
    },
  });
  return {
    reader,
    repository,
    cache,
    cacheReady: (timeoutMs = 2000) => redis.ready(timeoutMs),
    close: async () => {
      await redis.close();
      await pool.end();
    },
  };
}
