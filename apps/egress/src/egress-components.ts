import { isClientLink } from '@parchee/config';
import { TOPIC_SPECS, Topics } from '@parchee/contracts';
import {
  BatchConsumer,
  BatchingPublisher,
  ConsumerLagMonitor,
  DeadLetters,
  KafkaBatchTransport,
  createKafka,
  ensureTopics,
  kafkaIntake,
} from '@parchee/messaging';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { createRedisClient, openBindBudget, type RedisClientHandle } from '@parchee/redis';
import { LinkDirectory } from './binds/link-directory';
import { OperatorServerPool } from './binds/operator-server-pool';
import { TransmitterPool } from './binds/transmitter-pool';
import { TransceiverDeliveries } from './receipts/transceiver-deliveries';
import type { EgressConfig } from './config/egress-config';
import { RedisConcatReferences } from './delivery/concat-references';
import { EgressPipeline } from './delivery/egress-pipeline';
import { MtSender } from './delivery/mt-sender';
import { RedisSentLedger } from './delivery/sent-ledger';
import type { EgressMetrics } from './egress-metrics';
import { DlrCorrelator } from './receipts/dlr-correlator';
import { RedisMessageIdMap } from './receipts/message-id-map';
import { RedisMtStatusStore } from './receipts/mt-status-store';
import { OperatorThrottle } from './throttle/operator-throttle';

/** The pattern the MT intake's batches are handled under (MtIntakeController). */
export const MT_INTAKE = 'egress.mt';
/** The pattern the receipt intake's batches are handled under (ReceiptIntakeController). */
export const DLR_INTAKE = 'egress.dlr';

/** Everything egress runs, built once at start; the runtime starts, checks and closes it. */
export interface EgressComponents {
  /** Client-mode links: our transmitter binds to the operators' SMSCs. Bound by the runtime. */
  transmitters: TransmitterPool;
  /** Server-mode links: the operator binds a receiver to us. Listening once the runtime starts it. */
  operatorServers: OperatorServerPool;
  /** The one Redis client: sent ledger, concatenation references, message-id map, MT statuses, shared throttle. */
  redis: RedisClientHandle;
  /** SMSC message id to MT part: written as parts are submitted, read as receipts come in. */
  messageIds: RedisMessageIdMap;
  deadLetters: BatchingPublisher;
  throttle: OperatorThrottle;
  /** Sends each batch of MTs (MtIntakeController). */
  pipeline: EgressPipeline;
  /** Records the receipts of each batch of sms.dlr.v1 (ReceiptIntakeController). */
  correlator: DlrCorrelator;
  /** sms.mt.v1 in group `parchee-egress`: a batch is committed once its MTs are sent or dead-lettered. */
  mtConsumer: BatchConsumer;
  /** sms.dlr.v1 in group `parchee-egress-dlr`. */
  receiptConsumer: BatchConsumer;
  /** Both consumers as a Nest microservice: their batches go to the intake controllers. */
  intake: KafkaBatchTransport;
  lag: ConsumerLagMonitor;
  /** The bind budget's own Redis client; none when the budget is off (PARCHEE_BIND_LEASE_MS 0). */
  budgetRedis?: RedisClientHandle;
}

/** How long egress waits at start for the bind budget's Redis before opening its fallback share. */
const BIND_BUDGET_READY_MS = 5000;

/**
 * Connects egress's parts in dependency order: Kafka's topics, the operator links (not bound
 * yet), Redis and what lives in it, the dead-letter publisher, the MT route (throttle, sender,
 * pipeline), the receipt route (correlator), and the consumers that feed them. Nothing is bound
 * or consumed yet: the runtime starts the binds, then the intake starts once the application has.
 */
export async function createEgressComponents(
  config: EgressConfig,
  deps: { logger: Logger; registry: MetricsRegistry; metrics: EgressMetrics },
): Promise<EgressComponents> {
  const { logger, registry, metrics } = deps;
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId ?? 'parchee-egress', logger });
  await ensureTopics({ brokers: config.kafka.brokers, kafka }, TOPIC_SPECS);

  for (const link of config.links.operators) metrics.tpsLimit.set({ operator: link.id }, link.tps);
  // Server-mode links: the operator binds a receiver to us and gets our MTs as deliver_sm.
  const operatorServers = new OperatorServerPool({ links: config.links.operators, logger, metrics: registry });

  // One client for the sent ledger, the concatenation references, the receipts' map and statuses
  // and the shared throttle. The MT path fails open: the ledger answers "none sent" (send rather
  // than stay silent), a long reply goes with the reference its id gives it, a lost map write
  // costs one unmatched receipt, the throttle paces with this replica's share. Receipts wait
  // instead: their batch is read again until Redis answers.
  const redis = createRedisClient(
    { url: config.redis.url, name: 'egress', uses: ['sent_ledger', 'dlr_map', 'mt_concat'], commandTimeoutMs: config.redis.commandTimeoutMs },
    { logger, metrics: registry },
  );
  const ledger = new RedisSentLedger(redis.client, config.delivery.sentTtlSeconds, () => redis.commandFailed('sent_ledger'));
  const references = new RedisConcatReferences(redis.client, {
    holdMs: config.delivery.concatReferenceHoldMs,
    onError: () => redis.commandFailed('mt_concat'),
  });
  const messageIds = new RedisMessageIdMap(redis.client, config.receipts.mapMarginSeconds, () => redis.commandFailed('dlr_map'));

  const deadLetters = new BatchingPublisher(kafka, { logger });
  await deadLetters.connect();
  const budget = await openBindBudget(config.bindBudget, config.redis, BIND_BUDGET_READY_MS, logger);
  // Transceiver links' receipts come to egress's binds; published like ingress's, on the same publisher as dead letters.
  const deliveries = new TransceiverDeliveries(deadLetters, {
    messageIdFormats: new Map(config.links.operators.filter(isClientLink).map((link) => [link.id, link.submit.messageIdFormat])),
    logger,
    onDelivery: (operator, outcome) => metrics.transceiverDeliveries.inc({ operator, outcome }),
  });
  const transmitters = new TransmitterPool(config.links.operators, logger, registry, budget?.budget, deliveries);
  metrics.sampleInFlight(transmitters);
  const letters = new DeadLetters('egress', { metrics: registry, logger, publisher: deadLetters });

  const throttle = OperatorThrottle.withRedis(redis.client, {
    tps: Object.fromEntries(config.links.operators.map((o) => [o.id, o.tps])),
    replicasHint: config.throttle.replicasHint,
    throttledPauseMs: config.throttle.throttledBackoffMs,
    recoveryPerSecond: config.throttle.recoveryPercentPerSecond / 100,
    onSlowDown: (operator) => metrics.throttleSlowDowns.inc({ operator }),
    logger,
    onWait: (operator, seconds) => metrics.throttleWait.observe({ operator }, seconds),
    onFallback: (operator) => metrics.throttleFallbacks.inc({ operator }),
  });
  const sender = new MtSender(new LinkDirectory([transmitters, operatorServers]), {
    retryDeadlineMs: config.delivery.retryDeadlineMs,
    throttle,
    throttledBackoffMs: config.throttle.throttledBackoffMs,
    onRetry: (operator, reason) => {
      metrics.retries.inc({ operator, reason });
      if (reason === 'ESME_RTHROTTLED') metrics.smscThrottled.inc({ operator });
    },
    // Each accepted part's message id goes to the map its delivery receipt is matched through.
    submittedParts: messageIds,
    references,
    // How far each long reply got, so a re-read batch (deferred, or a replica restarted) resumes it.
    progress: ledger,
  });
  const pipeline = new EgressPipeline(sender, ledger, letters, {
    logger,
    onResult: (mt, result) => {
      metrics.submitted.inc({ operator: mt.operator, outcome: result.outcome });
      if (result.outcome === 'sent') metrics.endToEnd.observe({ operator: mt.operator }, (Date.now() - mt.moReceivedAt) / 1000);
    },
  });
  const correlator = new DlrCorrelator(messageIds, new RedisMtStatusStore(redis.client, config.receipts.statusTtlSeconds), letters, {
    retryDelayMs: config.receipts.retryDelayMs,
    logger,
    onResult: (dlr, outcome) => {
      metrics.receipts.inc({ operator: dlr.operator, state: dlr.state });
      if (outcome === 'unmatched') metrics.unmatched.inc({ operator: dlr.operator });
    },
  });

  const mtConsumer = new BatchConsumer(kafka, {
    groupId: 'parchee-egress',
    topics: [Topics.MT],
    partitionsConsumedConcurrently: config.delivery.concurrency,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
    rebalanceTimeoutMs: config.kafka.rebalanceTimeoutMs,
    commitTimeoutMs: config.kafka.commitTimeoutMs,
    logger,
  });
  // Its own group: a slow receipt never holds back a reply, and receipts are read from their own offsets.
  const receiptConsumer = new BatchConsumer(kafka, {
    groupId: 'parchee-egress-dlr',
    topics: [Topics.DLR],
    minBytes: config.receipts.fetchMinBytes,
    maxWaitTimeInMs: config.receipts.fetchMaxWaitMs,
    sessionTimeoutMs: config.kafka.sessionTimeoutMs,
    heartbeatIntervalMs: config.kafka.heartbeatIntervalMs,
    rebalanceTimeoutMs: config.kafka.rebalanceTimeoutMs,
    commitTimeoutMs: config.kafka.commitTimeoutMs,
    logger,
  });
  // Started in this order (MTs first) once the application has started; on shutdown Nest closes
  // both groups at once (KafkaBatchTransport.close): each waits for its batch in hand and its
  // leave-group, and the whole shutdown has 10 s.
  const intake = new KafkaBatchTransport([kafkaIntake(MT_INTAKE, mtConsumer), kafkaIntake(DLR_INTAKE, receiptConsumer)]);

  const lag = new ConsumerLagMonitor(kafka, {
    groups: [
      { groupId: 'parchee-egress', topics: [Topics.MT] },
      { groupId: 'parchee-egress-dlr', topics: [Topics.DLR] },
    ],
    logger,
    onLag: (l) => metrics.consumerLag.set({ group: l.group, topic: l.topic, partition: String(l.partition) }, l.lag),
    onError: (group) => metrics.lagErrors.inc({ group }),
  });
  return {
    transmitters,
    operatorServers,
    redis,
    messageIds,
    deadLetters,
    throttle,
    pipeline,
    correlator,
    mtConsumer,
    receiptConsumer,
    intake,
    lag,
    budgetRedis: budget?.redis,
  };
}
