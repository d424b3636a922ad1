import { ConsumerLagMonitor, DeadLetters, KafkaBatchTransport, TransactionalProcessor, createKafka, ensureTopics, kafkaIntake } from '@parchee/messaging';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { createRequestGuard, type RequestGuardHandle } from '@parchee/protection';
import { AuditWriter, createRollReader, type RollReaderHandle } from '@parchee/roll';
import type { LookupConfig } from './config/lookup-config';
import { lookupTopicSpecs } from './config/lookup-topics';
import type { LookupMetrics } from './lookup-metrics';
import { LookupPipeline } from './pipeline/lookup-pipeline';

/** The pattern the MO intake's batches are handled under (MoIntakeController). */
export const MO_INTAKE = 'lookup.mo';

/** Everything lookup runs, built once at start; the runtime starts, checks and closes it. */
export interface LookupComponents {
  roll: RollReaderHandle;
  guard: RequestGuardHandle | null;
  audit: AuditWriter;
  pipeline: LookupPipeline;
  /** The MO consumer: one Kafka transaction per group of batches, replies and offsets together. */
  processor: TransactionalProcessor;
  /** The processor as a Nest microservice: its batches go to MoIntakeController. */
  intake: KafkaBatchTransport;
  lag: ConsumerLagMonitor;
}

/**
 * Connects lookup's parts in dependency order: Kafka's topics, the roll (PostgreSQL and its Redis
 * cache), the request guard, the audit writer, the pipeline that uses them, and the consumer that
 * feeds it. Nothing is consumed yet: the intake starts once the application has started.
 */
export async function createLookupComponents(
  config: LookupConfig,
  deps: { logger: Logger; registry: MetricsRegistry; metrics: LookupMetrics },
): Promise<LookupComponents> {
  const { logger, registry, metrics } = deps;
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId ?? 'parchee-lookup', logger });
  await ensureTopics({ brokers: config.kafka.brokers, kafka }, lookupTopicSpecs(config.lookup));

  // The roll cache's Redis errors count as parchee_redis_errors_total{use="roll_cache"} (createRollReader).
  // Voter reads go to the read replicas when there are any (createRollReader declares their metrics,
  // parchee_roll_replica_fallbacks_total and parchee_roll_replicas); the active version, and every write, to the primary.
  const roll = createRollReader(
    { postgres: config.postgres, readReplicas: config.postgres.readReplicas, redis: config.redis },
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
  // A cold cache would send the first batches to PostgreSQL: give Redis a moment to connect.
  if (!(await roll.cacheReady(2000))) logger.warn({}, 'roll cache not reachable at start; reading the roll from PostgreSQL');

  const guard = createRequestGuard(config, { logger, metrics: registry });
  if (guard && !(await guard.ready(2000))) logger.warn({}, 'request guard Redis not reachable at start; allowing lookups unchecked until it is');

  // Its own small pool: audit inserts never queue behind roll lookups. Partitions are created on first write.
  // On the primary (config.postgres.url) always: a read replica refuses writes.
  const audit = AuditWriter.open(config.postgres, { logger });
  const hasher = new KeyedHasher(config.pepper.pepper);
  const pipeline = new LookupPipeline(roll.reader, hasher.id, {
    guard: guard?.guard,
    replyCap: guard?.replyCap,
    onRefused: (reason, operator) => metrics.refused.inc({ operator, reason }),
    replyTtlMs: config.lookup.replyTtlMs,
    rollRetryDeadlineMs: config.lookup.rollRetryDeadlineMs,
    logger,
    onReply: (kind, operator) => metrics.replies.inc({ kind, operator }),
    deadLetters: new DeadLetters('lookup', { metrics: registry, logger }),
    mtTopic: config.lookup.mtTopic,
    audit: { hasher, write: (rows) => audit.record(rows), onError: () => metrics.auditErrors.inc() },
  });

  const processor = new TransactionalProcessor(kafka, {
    groupId: config.lookup.groupId,
    topic: config.lookup.moTopic,
    maxBytesPerPartition: config.lookup.maxBytesPerPartition,
    fetchMinBytes: config.lookup.fetchMinBytes,
    fetchMaxWaitMs: config.lookup.fetchMaxWaitMs,
    transactionalIdPrefix: `parchee-lookup-${config.lookup.instanceId}`,
    concurrency: config.lookup.concurrency,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
    rebalanceTimeoutMs: config.kafka.rebalanceTimeoutMs,
    transactionTimeoutMs: config.kafka.transactionTimeoutMs,
    onTransaction: (t) => {
      const result = t.committed ? 'committed' : 'failed';
      metrics.transactions.inc({ result });
      metrics.transactionBatches.inc({ result }, t.batches);
    },
    logger,
  });
  const lag = new ConsumerLagMonitor(kafka, {
    groups: [{ groupId: config.lookup.groupId, topics: [config.lookup.moTopic] }],
    logger,
    onLag: (l) => metrics.consumerLag.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag),
    onError: (group) => metrics.lagErrors.inc({ group }),
  });
  return { roll, guard, audit, pipeline, processor, intake: new KafkaBatchTransport([kafkaIntake(MO_INTAKE, processor)]), lag };
}
