import type { MetricsRegistry } from '@parchee/observability';
import { createRedisClient, type RedisClientHandle } from '@parchee/redis';
import { REDIS_DEFAULTS, RedisConnectionOptions, RollLogger, silentLogger } from './roll-connection-options';

/**
 * The roll cache's client, with Parchee's one fail-fast Redis policy (`createRedisClient`): a
 * command either gets an answer within `commandTimeoutMs` or fails, and the reader goes to
 * PostgreSQL. Reconnection keeps running in the background with a capped backoff. Connection
 * errors are logged once per interval; with `metrics`, failed reads and writes count as
 * parchee_redis_errors_total{use="roll_cache"}.
 */
export function createRollRedis(
  options: RedisConnectionOptions,
  deps: { name?: string; logger?: RollLogger; metrics?: MetricsRegistry } = {},
): RedisClientHandle {
  return createRedisClient(
    {
      url: options.url,
      name: deps.name ?? 'roll-cache',
      uses: ['roll_cache'],
      commandTimeoutMs: options.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs ?? REDIS_DEFAULTS.connectTimeoutMs,
    },
    { logger: deps.logger ?? silentLogger, metrics: deps.metrics },
  );
}
