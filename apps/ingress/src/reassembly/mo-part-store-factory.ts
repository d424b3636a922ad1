import type { Logger, MetricsRegistry } from '@parchee/observability';
import { SealingKey } from '@parchee/privacy';
import { createRedisClient } from '@parchee/redis';
import type { IngressConfig } from '../config/ingress-config';
import type { DroppedMo } from './mo-part-store';
import { MO_PARTS_SEALING_LABEL, RedisMoPartStore } from './redis-mo-part-store';

export interface MoPartStoreHandle {
  /** Where the acceptor records each part of a concatenated MO. */
  store: RedisMoPartStore;
  /** Resolves true once Redis can answer, false after `timeoutMs`; until then every part is refused with a temporary error. */
  ready(timeoutMs: number): Promise<boolean>;
  /** A part could not be recorded: counts parchee_redis_errors_total{use="mo_parts"}. */
  commandFailed(): void;
  close(): Promise<void>;
}

/**
 * The concatenated MOs' part store, with its own Redis client (PARCHEE_REDIS_COMMAND_TIMEOUT_MS,
 * fail fast like every Parchee client). It does not fail open: a part that cannot be recorded is
 * refused with ESME_RX_T_APPN and the SMSC delivers it again, so a part is acknowledged only once
 * every replica can find it. Single-part MOs never touch it.
 */
export function createMoPartStore(
  config: Pick<IngressConfig, 'moParts' | 'redis' | 'pepper' | 'links'>,
  deps: { logger: Logger; metrics: MetricsRegistry; onDropped: (dropped: DroppedMo) => void },
): MoPartStoreHandle {
  const redis = createRedisClient({ url: config.redis.url, name: 'mo-parts', uses: ['mo_parts'], commandTimeoutMs: config.redis.commandTimeoutMs }, deps);
  let sweepWarnedAt = -Infinity;
  const store = new RedisMoPartStore(redis.client, {
    operators: config.links.operators.map((link) => link.id),
    timeoutMs: config.moParts.timeoutMs,
    maxPendingPerOperator: config.moParts.maxPendingPerOperator,
    // The parts hold MO text, so CNICs: sealed under a key of their own derived from the pepper.
    sealing: SealingKey.fromPepper(config.pepper.pepper, MO_PARTS_SEALING_LABEL),
    onDropped: deps.onDropped,
    onSweepError: (err) => {
      redis.commandFailed('mo_parts');
      if (Date.now() - sweepWarnedAt < 60_000) return;
      sweepWarnedAt = Date.now();
      deps.logger.warn({ err: err.message }, 'concatenated MOs past their timeout could not be swept; retrying');
    },
  });
  return {
    store,
    ready: (timeoutMs) => redis.ready(timeoutMs),
    commandFailed: () => redis.commandFailed('mo_parts'),
    close: () => redis.close(),
  };
}
