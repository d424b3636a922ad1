import { KeyedHasher } from '@parchee/privacy';
import { createRedisClient } from '@parchee/redis';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { GuardAllowlist, readAllowlistEntries } from '../guard/guard-allowlist';
import { GuardSecrets } from '../guard/guard-secrets';
import type { ProtectionConfig } from '../config/protection-config';
import { RedisReplyCap } from '../loop-breaker/reply-cap';
import { RedisRequestGuard } from '../guard/redis-request-guard';
import type { GuardedLookup, RequestGuard, SingleLookupGuard } from '../guard/request-guard';

export interface RequestGuardHandle {
  /** Batches (lookup's MOs, `decide`) and single lookups (the USSD service's, `decideAlone`), on one state. */
  guard: RequestGuard & SingleLookupGuard;
  /** The loop breaker on help and invalid replies, on the same Redis client, allowlist and key prefix. */
  replyCap: RedisReplyCap;
  /** Resolves true once Redis is connected, false after `timeoutMs`; until then lookups are allowed unchecked. */
  ready(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The guard a service wires in (lookup, and ussd for its lookups), with its own Redis client and metrics; null when disabled. */
export function createRequestGuard(
  config: { protection: ProtectionConfig; redis: { url: string }; pepper: { pepper: string } },
  deps: { logger: Logger; metrics: MetricsRegistry },
): RequestGuardHandle | null {
  const { protection } = config;
  if (!protection.enabled) {
    deps.logger.warn({}, 'request protection is disabled: no rate limits, no anti-enumeration');
    return null;
  }
  const hasher = new KeyedHasher(config.pepper.pepper);
  const allowlist = new GuardAllowlist(readAllowlistEntries(protection.allowlist, protection.allowlistFile), hasher);
  const failOpen = deps.metrics.counter('parchee_guard_fail_open_total', 'Lookups allowed unchecked because Redis could not answer the request guard', []);
  const alerts = deps.metrics.counter(
    'parchee_enumeration_alerts_total',
    'Enumeration detected: numbers blocked (distinct, scan) and operator-wide spikes of distinct CNICs',
    ['operator', 'kind'],
  );
  // Its own client: the guard's command timeout (a batch of thousands runs as several scripts) is
  // not the roll cache's. While Redis cannot answer, the guard allows and the reply cap sends.
  const redis = createRedisClient(
    { url: config.redis.url, name: 'request-guard', uses: ['request_guard', 'reply_cap'], commandTimeoutMs: protection.redisTimeoutMs },
    deps,
  );
  const guard = new RedisRequestGuard(redis.client, hasher, new GuardSecrets(config.pepper.pepper), {
    limits: protection.limits,
    keyPrefix: protection.keyPrefix,
    allowlist,
    logger: deps.logger,
    onFailOpen: (requests) => {
      redis.commandFailed('request_guard');
      if (requests > 0) failOpen.inc(requests);
    },
    onBlocked: (operator, cause) => alerts.inc({ operator, kind: cause }),
    onOperatorSpike: (operator) => alerts.inc({ operator, kind: 'operator_spike' }),
  });
  const replyCap = new RedisReplyCap(redis.client, hasher, {
    limits: protection.replyCap,
    keyPrefix: protection.keyPrefix,
    allowlist,
    logger: deps.logger,
    onFailOpen: () => redis.commandFailed('reply_cap'),
  });
  deps.logger.info({ limits: protection.limits, replyCap: protection.replyCap, allowlisted: allowlist.size }, 'request protection on');
  // Each operator's alert series start at 0 when it is first seen, so "any increase" alerts and
  // dashboards have a series to watch before the first block, and after a restart.
  const seen = new Set<string>();
  const initialise = (requests: readonly GuardedLookup[]) => {
    for (const { operator } of requests) {
      if (seen.has(operator)) continue;
      seen.add(operator);
      for (const kind of ['distinct', 'scan', 'operator_spike']) alerts.inc({ operator, kind }, 0);
    }
  };
  const initialised: RequestGuard & SingleLookupGuard = {
    decide: (requests) => {
      initialise(requests);
      return guard.decide(requests);
    },
    decideAlone: (request) => {
      initialise([request]);
      return guard.decideAlone(request);
    },
  };
  return {
    guard: initialised,
    replyCap,
    ready: (timeoutMs) => redis.ready(timeoutMs),
    close: () => redis.close(),
  };
}
