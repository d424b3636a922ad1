import { TOPIC_SPECS, Topics } from '@parchee/contracts';
import { BatchingPublisher, createKafka, ensureTopics } from '@parchee/messaging';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { createRequestGuard, type RequestGuardHandle } from '@parchee/protection';
import { createRedisClient, type RedisClientHandle } from '@parchee/redis';
import { AuditWriter, createRollReader, type RollReaderHandle } from '@parchee/roll';
import { VoterLookup } from '@parchee/voter-lookup';
import type { UssdConfig } from './config/ussd-config';
import { UssdDialogs } from './dialogs/ussd-dialogs';
import { RedisSessionCells } from './sessions/redis-session-cells';
import { UssdSessionStore } from './sessions/ussd-session-store';
import type { UssdMetrics } from './ussd-metrics';

/** Everything the USSD service runs, built once at start; the runtime checks and closes it. */
export interface UssdComponents {
  /** "Send by SMS": MTs on sms.mt.v1, acknowledged before the screen says so. Connected. */
  publisher: BatchingPublisher;
  /** The dialogs' sessions and remembered languages, on their own Redis client. */
  sessionsRedis: RedisClientHandle;
  roll: RollReaderHandle;
  /** The request guard, on the state lookup's guard keeps; null when protection is off. */
  guard: RequestGuardHandle | null;
  audit: AuditWriter;
  /** What a transport calls, one network step at a time. */
  dialogs: UssdDialogs;
}

/**
 * Connects the USSD service's parts in dependency order: Kafka (for "send by SMS"), the sessions'
 * Redis, the roll (PostgreSQL and its Redis cache), the request guard, the audit writer, then the
 * lookup and the dialogs that use them. No transport is built yet: nothing calls the dialogs.
 */
export async function createUssdComponents(
  config: UssdConfig,
  deps: { logger: Logger; registry: MetricsRegistry; metrics: UssdMetrics },
): Promise<UssdComponents> {
  const { logger, registry, metrics } = deps;
  const { ussd } = config;
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId ?? 'parchee-ussd', logger });
  // sms.mt.v1 as every service creates it, and the topic "send by SMS" was pointed at if another (a test's).
  const mtSpec = TOPIC_SPECS.find((t) => t.name === Topics.MT);
  const topics = TOPIC_SPECS.some((t) => t.name === ussd.mtTopic) || !mtSpec ? [...TOPIC_SPECS] : [...TOPIC_SPECS, { ...mtSpec, name: ussd.mtTopic }];
  await ensureTopics({ brokers: config.kafka.brokers, kafka }, topics);
  const publisher = new BatchingPublisher(kafka, { logger, publishTimeoutMs: ussd.smsPublishTimeoutMs });
  await publisher.connect();

  // The sessions' own client: a step waits on it, so its timeout is the screen's, not the cache's.
  const sessionsRedis = createRedisClient(
    { url: config.redis.url, name: 'ussd-sessions', uses: ['ussd_session'], commandTimeoutMs: ussd.redisTimeoutMs },
    { logger, metrics: registry },
  );
  if (!(await sessionsRedis.ready(2000))) logger.warn({}, 'USSD sessions Redis not reachable at start; steps are answered busy until it is');

  const roll = createRollReader(
    { postgres: config.postgres, redis: config.redis },
    {
      logger,
      metrics: registry,
      observer: {
        onCacheHits: (n) => metrics.cache.inc({ result: 'hit' }, n),
        onCacheMisses: (n) => metrics.cache.inc({ result: 'miss' }, n),
        onNegativeHits: (n) => metrics.cache.inc({ result: 'negative_hit' }, n),
      },
    },
  );
  if (!(await roll.cacheReady(2000))) logger.warn({}, 'roll cache not reachable at start; reading the roll from PostgreSQL');

  // The guard's Redis timeout is the screen's too: PROTECTION_REDIS_TIMEOUT_MS is lookup's batch budget.
  const guard = createRequestGuard({ ...config, protection: { ...config.protection, redisTimeoutMs: ussd.redisTimeoutMs } }, { logger, metrics: registry });
  if (guard && !(await guard.ready(2000))) logger.warn({}, 'request guard Redis not reachable at start; allowing lookups unchecked until it is');

  const audit = AuditWriter.open(config.postgres, { logger });
  const peppers = [new KeyedHasher(config.pepper.pepper), ...(config.pepper.next === undefined ? [] : [new KeyedHasher(config.pepper.next)])];
  const lookup = new VoterLookup(roll.reader, peppers[0], {
    guard: guard?.guard,
    audit: { write: (rows) => audit.record(rows) },
    rollRetryDeadlineMs: ussd.rollRetryDeadlineMs,
    logger,
    onRefused: (reason, operator) => metrics.refused.inc({ operator, reason }),
    onAuditError: () => metrics.auditErrors.inc(),
  });

  const store = new UssdSessionStore(new RedisSessionCells(sessionsRedis.client), config.pepper.pepper, {
    sessionTtlMs: ussd.sessionTtlMs,
    languageTtlMs: ussd.languageTtlMs,
    keyPrefix: ussd.keyPrefix,
  });
  const dialogs = new UssdDialogs(store, lookup, publisher, {
    peppers,
    menu: ussd.menu,
    claimMs: ussd.claimMs,
    auditWaitMs: ussd.auditWaitMs,
    smsShortCode: ussd.smsShortCode,
    smsTtlMs: ussd.smsTtlMs,
    mtTopic: ussd.mtTopic,
    logger,
    observer: {
      onStep: (operator, transport, result, seconds) => {
        metrics.steps.inc({ operator, transport, result });
        metrics.stepSeconds.observe({ operator, transport }, seconds);
      },
      onBegun: (operator, transport) => metrics.sessionsBegun.inc({ operator, transport }),
      onEnded: (operator, transport, outcome) => metrics.sessionsEnded.inc({ operator, transport, outcome }),
      onSms: (operator, result) => metrics.sms.inc({ operator, result }),
      onSessionStoreError: () => sessionsRedis.commandFailed('ussd_session'),
    },
  });
  return { publisher, sessionsRedis, roll, guard, audit, dialogs };
}
