import type { MetricsRegistry } from '@parchee/observability';
import type { Pool } from 'pg';
import { createRollPool } from '../connection/postgres-pool';
import { createRollRedis } from '../connection/redis-client';
import { RollConnectionOptions } from '../connection/roll-connection-options';
import { RollCache, RollCacheOptions } from './roll-cache';
import { RollReader, RollReaderOptions } from './roll-reader';
import { ReplicaFallbackReason, RollReadRouter, RollReadRouterOptions } from './roll-read-router';
import { registerRollReplicaMetrics } from './roll-replica-metrics';
import { RollRepository } from './roll-repository';

export interface RollReaderHandle {
  reader: RollReader;
  /** The primary's side: the active version as activation left it (health checks, gauges). */
  repository: RollRepository;
  /** Where voter reads go: the read replicas, or the primary. */
  router: RollReadRouter;
  cache: RollCache;
  /**
   * Resolves true once Redis is connected, false after `timeoutMs` (default 2000). Never throws:
   * lookups work without Redis, this only lets a service start with a warm path.
   */
  cacheReady(timeoutMs?: number): Promise<boolean>;
  /** Closes the pools and the Redis connection this handle created. */
  close(): Promise<void>;
}

/** host:port of a PostgreSQL URL, for logs: never its credentials. */
function serverOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

/**
 * Builds a reader with its own pg pools (the primary's, and one per read replica, each opened
 * lazily) and fail-fast Redis client. With `metrics`, each cache error the reader reports (at most
 * one per `cacheBypassMs`) counts as parchee_redis_errors_total{use="roll_cache"}, and with read
 * replicas their metrics are declared (registerRollReplicaMetrics).
 */
export function createRollReader(
  connection: RollConnectionOptions,
  options: RollReaderOptions & { cache?: RollCacheOptions; metrics?: MetricsRegistry; replicaCheckMs?: RollReadRouterOptions['replicaCheckMs'] } = {},
): RollReaderHandle {
  const pool = createRollPool(connection.postgres, options.logger);
  const replicaPools: Array<{ name: string; pool: Pool }> = (connection.readReplicas ?? []).map((url) => ({
    name: serverOf(url),
    pool: createRollPool({ ...connection.postgres, url }, options.logger),
  }));
  const redis = createRollRedis(connection.redis, { logger: options.logger, metrics: options.metrics });
  const repository = new RollRepository(pool);
  const observer = options.observer;
  let countFallback: ((reason: ReplicaFallbackReason) => void) | undefined;
  const router = new RollReadRouter(
    repository,
    replicaPools.map((r) => ({ name: r.name, repo: new RollRepository(r.pool) })),
    {
      replicaCheckMs: options.replicaCheckMs,
      logger: options.logger,
      now: options.now,
      observer: {
        onPrimaryFallback: (reason) => {
          countFallback?.(reason);
          observer?.onPrimaryFallback?.(reason);
        },
      },
    },
  );
  if (options.metrics && replicaPools.length > 0) countFallback = registerRollReplicaMetrics(options.metrics, router);
  const cache = new RollCache(redis.client, options.cache);
  const reader = new RollReader(router, cache, {
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
    router,
    cache,
    cacheReady: (timeoutMs = 2000) => redis.ready(timeoutMs),
    close: async () => {
      await redis.close();
      await Promise.all([pool, ...replicaPools.map((r) => r.pool)].map((p) => p.end()));
    },
  };
}
