import Redis from 'ioredis';
import { REDIS_DEFAULTS, RedisConnectionOptions, RollLogger, silentLogger } from './roll-connection-options';

/**
 * A Redis client that fails fast. ioredis by default queues commands while disconnected and
 * retries each one 20 times; on the lookup hot path that would stall batches behind a dead cache.
 * Here a command either gets an answer within `commandTimeoutMs` or fails, and the reader goes to
 * PostgreSQL. Reconnection keeps running in the background with a capped backoff.
 */
export function createRollRedis(options: RedisConnectionOptions, logger: RollLogger = silentLogger): Redis {
  const redis = new Redis(options.url, {
    commandTimeout: options.commandTimeoutMs ?? REDIS_DEFAULTS.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? REDIS_DEFAULTS.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResubscribe: false,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    // How long disconnect() waits for a graceful close; the 2 s default outlives a dead socket for nothing.
    disconnectTimeout: 200,
  });
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // A dead Redis emits an error per reconnect attempt; one line every 10 s is enough.
    const now = Date.now();
    if (now - lastLogged > 10_000) {
      lastLogged = now;
      logger.warn({ err: err.message }, 'roll cache connection error');
    }
  });
  return redis;
}
