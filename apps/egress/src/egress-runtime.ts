import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPIC_SPECS, Topics } from '@parchee/contracts';
import { BatchConsumer, BatchingPublisher, ConsumerLagMonitor, createKafka, ensureTopics } from '@parchee/messaging';
import { HealthRegistry, LATENCY_BUCKETS, LOGGER, MetricsRegistry, type Logger } from '@parchee/observability';
import { createRedisClient, type RedisClientHandle } from '@parchee/redis';
import { LinkDirectory } from './binds/link-directory';
import { OperatorServerPool } from './binds/operator-server-pool';
import { TransmitterPool } from './binds/transmitter-pool';
import type { EgressConfig } from './config/egress-config';
import { EgressPipeline } from './delivery/egress-pipeline';
import { MtSender } from './delivery/mt-sender';
import { RedisSentLedger } from './delivery/sent-ledger';
import { countedDeadLetters } from './observability/counted-dead-letters';
import { DlrCorrelator } from './receipts/dlr-correlator';
import { RedisMessageIdMap } from './receipts/message-id-map';
import { RedisMtStatusStore } from './receipts/mt-status-store';
import { OperatorThrottle } from './throttle/operator-throttle';

export const EGRESS_CONFIG = Symbol('egress.config');

/**
 * Start order: binds and ledger before consuming, so MTs are not read before they can be sent.
 * Stop order: stop consuming (the batch in hand finishes and commits), then unbind.
 */
@Injectable()
export class EgressRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer?: BatchConsumer;
  private receiptConsumer?: BatchConsumer;
  private messageIds?: RedisMessageIdMap;
  private deadLetters?: BatchingPublisher;
  private pool?: TransmitterPool;
  private operatorServers?: OperatorServerPool;
  private redis?: RedisClientHandle;
  private throttle?: OperatorThrottle;
  private lag?: ConsumerLagMonitor;

  constructor(
    @Inject(EGRESS_CONFIG) private readonly config: EgressConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsRegistry,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { config, logger, metrics } = this;
    const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId ?? 'parchee-egress', logger });
    await ensureTopics({ brokers: config.kafka.brokers, kafka }, TOPIC_SPECS);

    this.pool = new TransmitterPool(config.links.operators, logger, metrics);
    this.pool.start();
    const pool = this.pool;
    metrics.gauge('parchee_smpp_in_flight', 'Requests in the SMPP window or queued for it, per operator and direction', ['operator', 'direction'], (gauge) => {
      for (const [operator, n] of pool.inFlightByOperator()) gauge.set({ operator, direction: 'transmitter' }, n);
    });
    const tpsLimit = metrics.gauge('parchee_operator_tps_limit', 'Configured submit TPS of each operator link', ['operator']);
    for (const link of config.links.operators) tpsLimit.set({ operator: link.id }, link.tps);
    // Server-mode links: the operator binds a receiver to us and gets our MTs as deliver_sm.
    this.operatorServers = new OperatorServerPool({ links: config.links.operators, logger, metrics });
    await this.operatorServers.start();

    // One client for the sent ledger, the receipts' map and statuses and the shared throttle. The
    // MT path fails open: the ledger answers "none sent" (send rather than stay silent), a lost map
    // write costs one unmatched receipt, the throttle paces with this replica's share. Receipts
    // wait instead: their batch is read again until Redis answers.
    const redis = createRedisClient(
      { url: config.redis.url, name: 'egress', uses: ['sent_ledger', 'dlr_map'], commandTimeoutMs: config.redis.commandTimeoutMs },
      { logger, metrics },
    );
    this.redis = redis;
    const ledger = new RedisSentLedger(redis.client, config.delivery.sentTtlSeconds, () => redis.commandFailed('sent_ledger'));

    this.deadLetters = new BatchingPublisher(kafka, { logger });
    await this.deadLetters.connect();
    const deadLetterCount = metrics.counter('parchee_dead_letters_total', 'Records sent to the dead-letter topic', ['service', 'code']);
    const deadLetters = countedDeadLetters(this.deadLetters, (code) => deadLetterCount.inc({ service: 'egress', code }));

    const submitted = metrics.counter('parchee_mt_submitted_total', 'MTs handled by egress, by operator and outcome', ['operator', 'outcome']);
    const retries = metrics.counter('parchee_mt_submit_retries_total', 'Temporary submit failures retried, by operator and reason', ['operator', 'reason']);
    const endToEnd = metrics.histogram('parchee_end_to_end_latency_seconds', 'MO received by ingress to the last submit_sm_resp of its reply', ['operator'], LATENCY_BUCKETS);
    const messageIds = new RedisMessageIdMap(redis.client, config.receipts.mapTtlSeconds, () => redis.commandFailed('dlr_map'));
    this.messageIds = messageIds;
    const throttleWait = metrics.histogram('parchee_throttle_wait_seconds', 'Time a submit_sm part waited for a token of its operator TPS', ['operator'], LATENCY_BUCKETS);
    const throttleFallbacks = metrics.counter('parchee_throttle_fallback_total', 'TPS tokens asked of the local share because Redis could not answer', ['operator']);
    const smscThrottled = metrics.counter('parchee_smpp_throttled_total', 'submit_sm answered ESME_RTHROTTLED by the operator', ['operator']);
    this.throttle = OperatorThrottle.withRedis(redis.client, {
      tps: Object.fromEntries(config.links.operators.map((o) => [o.id, o.tps])),
      replicasHint: config.throttle.replicasHint,
      logger,
      onWait: (operator, seconds) => throttleWait.observe({ operator }, seconds),
      onFallback: (operator) => throttleFallbacks.inc({ operator }),
    });
    const sender = new MtSender(new LinkDirectory([this.pool, this.operatorServers]), {
      retryDeadlineMs: config.delivery.retryDeadlineMs,
      throttle: this.throttle,
      throttledBackoffMs: config.throttle.throttledBackoffMs,
      onRetry: (operator, reason) => {
        retries.inc({ operator, reason });
        if (reason === 'ESME_RTHROTTLED') smscThrottled.inc({ operator });
      },
      onSubmitted: (mt, messageId, part, parts) => void messageIds.remember(messageId, { mtId: mt.id, operator: mt.operator, part, parts, submittedAt: Date.now() }),
    });
    const pipeline = new EgressPipeline(sender, ledger, deadLetters, {
      logger,
      onResult: (mt, result) => {
        submitted.inc({ operator: mt.operator, outcome: result.outcome });
        if (result.outcome === 'sent') endToEnd.observe({ operator: mt.operator }, (Date.now() - mt.moReceivedAt) / 1000);
      },
    });

    this.consumer = new BatchConsumer(kafka, {
      groupId: 'parchee-egress',
      topics: [Topics.MT],
      partitionsConsumedConcurrently: config.delivery.concurrency,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      logger,
    });
    this.health.register({ name: 'smpp_transmitters', check: () => this.pool?.allBound ?? false });
    this.health.register({ name: 'kafka', check: () => (this.consumer?.isRunning ?? false) && (this.deadLetters?.isConnected ?? false) });
    this.health.register({ name: 'redis', check: () => redis.isReady() });
    await this.consumer.start((batch) => pipeline.process(batch));

    const receipts = metrics.counter('parchee_dlr_total', 'Delivery receipts read by egress, by operator and state', ['operator', 'state']);
    const unmatched = metrics.counter('parchee_dlr_unmatched_total', 'Delivery receipts for a message id egress has not mapped', ['operator']);
    const correlator = new DlrCorrelator(messageIds, new RedisMtStatusStore(redis.client, config.receipts.statusTtlSeconds), deadLetters, {
      retryDelayMs: config.receipts.retryDelayMs,
      logger,
      onResult: (dlr, outcome) => {
        receipts.inc({ operator: dlr.operator, state: dlr.state });
        if (outcome === 'unmatched') unmatched.inc({ operator: dlr.operator });
      },
    });
    // Its own group: a slow receipt never holds back a reply, and receipts are read from their own offsets.
    this.receiptConsumer = new BatchConsumer(kafka, { groupId: 'parchee-egress-dlr', topics: [Topics.DLR], sessionTimeoutMs: config.kafka.sessionTimeoutMs, logger });
    await this.receiptConsumer.start((batch) => correlator.process(batch));
    const lag = metrics.gauge('parchee_kafka_consumer_lag', 'Records not yet committed by a consumer group, per topic and partition', ['group', 'topic', 'partition']);
    const lagErrors = metrics.counter('parchee_kafka_lag_refresh_errors_total', 'Consumer lag refreshes that failed', ['group']);
    this.lag = new ConsumerLagMonitor(kafka, {
      groups: [
        { groupId: 'parchee-egress', topics: [Topics.MT] },
        { groupId: 'parchee-egress-dlr', topics: [Topics.DLR] },
      ],
      logger,
      onLag: (l) => lag.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag),
      onError: (group) => lagErrors.inc({ group }),
    });
    await this.lag.start();
    logger.info({ operators: config.links.operators.map((o) => o.id) }, 'egress started');
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'egress stopping');
    await this.lag?.stop();
    // Both groups at once: each waits for its batch in hand and its leave-group, and the whole
    // shutdown has 10 s.
    await Promise.all([this.receiptConsumer?.stop(), this.consumer?.stop()]);
    this.throttle?.close();
    await this.messageIds?.idle();
    await this.deadLetters?.close();
    await Promise.all([this.pool?.stop(), this.operatorServers?.stop()]);
    await this.redis?.close();
  }
}
