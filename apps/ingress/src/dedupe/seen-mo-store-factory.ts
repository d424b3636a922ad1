import type { Logger, MetricsRegistry } from '@parchee/observability';
import { createRedisClient } from '@parchee/redis';
import type { IngressConfig } from '../config/ingress-config';
import { RedisSeenMoStore, type SeenMoStore } from './seen-mo-store';

export interface SeenMoStoreHandle {
  /** The memory of recent MOs the acceptor claims each MO in. */
  store: SeenMoStore;
  /** Resolves true once Redis can answer, false after `timeoutMs`; until then every claim fails and the MO is published unchecked. */
  ready(timeoutMs: number): Promise<boolean>;
  /** A claim or mark failed or timed out: counts parchee_redis_errors_total{use="mo_dedupe"}. */
  commandFailed(): void;
  close(): Promise<void>;
}

/**
 * The MO re-delivery check's store, with its own Redis client, so its short timeout applies to
 * nothing else. No offline queue and no retries (createRedisClient's policy): while Redis is away
 * a command fails at once and the MO is published unchecked, counted as
 * parchee_redis_errors_total{use="mo_dedupe"}. Null, with a warning, when the check is disabled.
 */
export function createSeenMoStore(
  config: Pick<IngressConfig, 'moDedupe' | 'redis'>,
  deps: { logger: Logger; metrics: MetricsRegistry },
): SeenMoStoreHandle | null {
  const { moDedupe } = config;
  if (!moDedupe.enabled) {
    deps.logger.warn({}, 'MO re-delivery check is disabled: an SMSC re-delivery becomes a second MO');
    return null;
  }
  const redis = createRedisClient({ url: config.redis.url, name: 'mo-dedupe', uses: ['mo_dedupe'], commandTimeoutMs: moDedupe.redisTimeoutMs }, deps);
  return {
    store: new RedisSeenMoStore(redis.client, { windowMs: moDedupe.windowMs, keyPrefix: moDedupe.keyPrefix }),
    ready: (timeoutMs) => redis.ready(timeoutMs),
    commandFailed: () => redis.commandFailed('mo_dedupe'),
    close: () => redis.close(),
  };
}
