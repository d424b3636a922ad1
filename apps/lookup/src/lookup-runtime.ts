import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConsumerLagMonitor, TransactionalProcessor, createKafka, ensureTopics } from '@parchee/messaging';
import { HealthRegistry, LATENCY_BUCKETS, LOGGER, MetricsRegistry, type Logger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { AuditWriter, createRollReader, type RollReaderHandle } from '@parchee/roll';
import type { LookupConfig } from './config/lookup-config';
import { registerRollVersionGauge } from './observability/roll-version-gauge';
import { LookupPipeline } from './pipeline/lookup-pipeline';
import { createRequestGuard, type RequestGuardHandle } from './protection/request-guard-factory';
import { lookupTopicSpecs } from './config/lookup-topics';

export const LOOKUP_CONFIG = Symbol('lookup.config');

@Injectable()
export class LookupRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private processor?: TransactionalProcessor;
  private roll?: RollReaderHandle;
  private guard?: RequestGuardHandle | null;
  private lag?: ConsumerLagMonitor;
  private audit?: AuditWriter;

  constructor(
    @Inject(LOOKUP_CONFIG) private readonly config: LookupConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsRegistry,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, logger, metrics } = this;
    const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId ?? 'parchee-lookup', logger });
    await ensureTopics({ brokers: config.kafka.brokers, kafka }, lookupTopicSpecs(config.lookup));

    const cache = metrics.counter('parchee_roll_cache_total', 'Roll cache results per CNIC', ['result']);
    // The roll cache's Redis errors count as parchee_redis_errors_total{use="roll_cache"} (createRollReader).
    this.roll = createRollReader(
      { postgres: config.postgres, redis: config.redis },
      {
        logger,
        metrics,
        observer: {
          onCacheHits: (n) => cache.inc({ result: 'hit' }, n),
          onCacheMisses: (n) => cache.inc({ result: 'miss' }, n),
          onNegativeHits: (n) => cache.inc({ result: 'negative_hit' }, n),
        },
      },
    );

    // A cold cache would send the first batches to PostgreSQL: give Redis a moment to connect.
    if (!(await this.roll.cacheReady(2000))) logger.warn({}, 'roll cache not reachable at start; reading the roll from PostgreSQL');

    const replies = metrics.counter('parchee_replies_total', 'Replies produced, by kind and operator', ['kind', 'operator']);
    const lookupLatency = metrics.histogram('parchee_lookup_batch_seconds', 'Time to understand and answer one batch of MOs', [], LATENCY_BUCKETS);
    const deadLetters = metrics.counter('parchee_dead_letters_total', 'Records sent to the dead-letter topic', ['service', 'code']);
    this.guard = createRequestGuard(config, { logger, metrics });
    if (this.guard && !(await this.guard.ready(2000))) logger.warn({}, 'request guard Redis not reachable at start; allowing lookups unchecked until it is');
    const refused = metrics.counter('parchee_requests_refused_total', 'Requests refused, by operator and reason', ['operator', 'reason']);
    // Its own small pool: audit inserts never queue behind roll lookups. Partitions are created on first write.
    this.audit = AuditWriter.open(config.postgres, { logger });
    const audit = this.audit;
    const auditErrors = metrics.counter('parchee_audit_write_errors_total', 'Batches whose audit rows could not be written (replies still sent)', []);
    const hasher = new KeyedHasher(config.pepper.pepper);
    const pipeline = new LookupPipeline(this.roll.reader, hasher.id, {
      guard: this.guard?.guard,
      replyCap: this.guard?.replyCap,
      onRefused: (reason, operator) => refused.inc({ operator, reason }),
      replyTtlMs: config.lookup.replyTtlMs,
      rollRetryDeadlineMs: config.lookup.rollRetryDeadlineMs,
      logger,
      onReply: (kind, operator) => replies.inc({ kind, operator }),
      onDeadLetter: (code) => deadLetters.inc({ service: 'lookup', code }),
      mtTopic: config.lookup.mtTopic,
      audit: { hasher, write: (rows) => audit.record(rows), onError: () => auditErrors.inc() },
    });

    const transactions = metrics.counter('parchee_kafka_transactions_total', 'Kafka transactions ended, by result (committed, failed)', ['result']);
    const transactionBatches = metrics.counter('parchee_kafka_transaction_batches_total', 'Consumed batches carried by Kafka transactions, by the result of their transaction', ['result']);
    this.processor = new TransactionalProcessor(kafka, {
      groupId: config.lookup.groupId,
      topic: config.lookup.moTopic,
      maxBytesPerPartition: config.lookup.maxBytesPerPartition,
      fetchMinBytes: config.lookup.fetchMinBytes,
      fetchMaxWaitMs: config.lookup.fetchMaxWaitMs,
      transactionalIdPrefix: `parchee-lookup-${config.lookup.instanceId}`,
      concurrency: config.lookup.concurrency,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      onTransaction: (t) => {
        const result = t.committed ? 'committed' : 'failed';
        transactions.inc({ result });
        transactionBatches.inc({ result }, t.batches);
      },
      logger,
    });
    this.health.register({ name: 'kafka', check: () => this.processor?.isRunning ?? false });
    this.health.register({ name: 'postgres', check: async () => (await this.roll?.repository.activeVersion()) !== null });
    // Lookups still answer from PostgreSQL without Redis, but slower than the roll can bear at peak.
    this.health.register({ name: 'redis', check: () => this.roll?.cacheReady(0) ?? false });
    const roll = this.roll;
    registerRollVersionGauge(metrics, () => roll.repository.activeVersion());
    // The batch's time is until its replies are ready; its audit rows and guard memory are
    // written while the transaction sends them (see LookupPipeline.processForCommit).
    await this.processor.start(async (batch) => {
      const end = lookupLatency.startTimer();
      try {
        return await pipeline.processForCommit(batch);
      } finally {
        end();
      }
    });
    const lag = metrics.gauge('parchee_kafka_consumer_lag', 'Records not yet committed by a consumer group, per topic and partition', ['group', 'topic', 'partition']);
    const lagErrors = metrics.counter('parchee_kafka_lag_refresh_errors_total', 'Consumer lag refreshes that failed', ['group']);
    this.lag = new ConsumerLagMonitor(kafka, {
      groups: [{ groupId: config.lookup.groupId, topics: [config.lookup.moTopic] }],
      logger,
      onLag: (l) => lag.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag),
      onError: (group) => lagErrors.inc({ group }),
    });
    await this.lag.start();
    logger.info({ instance: config.lookup.instanceId }, 'lookup started');
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'lookup stopping');
    await this.lag?.stop();
    await this.processor?.stop();
    await this.roll?.close();
    await this.audit?.close();
    await this.guard?.close();
  }
}
