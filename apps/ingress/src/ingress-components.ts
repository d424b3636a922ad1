import { isClientLink } from '@parchee/config';
import { TOPIC_SPECS } from '@parchee/contracts';
import { BatchingPublisher, createKafka, ensureTopics } from '@parchee/messaging';
import type { Logger, MetricsRegistry } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { openBindBudget, type RedisClientHandle } from '@parchee/redis';
import { OperatorServers } from './binds/operator-server';
import { ReceiverBinds } from './binds/receiver-binds';
import type { IngressConfig } from './config/ingress-config';
import { createSeenMoStore, type SeenMoStoreHandle } from './dedupe/seen-mo-store-factory';
import type { IngressMetrics } from './ingress-metrics';
import { MoAcceptor } from './mo/mo-acceptor';
import { reportDroppedMo } from './reassembly/dropped-mo';
import { createMoPartStore, type MoPartStoreHandle } from './reassembly/mo-part-store-factory';
import { IntakeGate } from './shutdown/intake-gate';

/** Everything ingress runs, built once at start; the runtime starts, checks and closes it. */
export interface IngressComponents {
  /** Where MOs go: ESME_ROK is answered only once Kafka acknowledged the record. Connected. */
  publisher: BatchingPublisher;
  /** The re-delivery check's store and its own Redis client; null when the check is disabled. */
  seen: SeenMoStoreHandle | null;
  /** Where the parts of concatenated MOs wait, shared with the other replicas, and its own Redis client. */
  parts: MoPartStoreHandle;
  /** Turns each deliver_sm into an MO on Kafka (and reassembles concatenated ones: `sweep()` gives up the stale). */
  acceptor: MoAcceptor;
  /** Between the binds and the acceptor; closed first on shutdown, so new MOs are refused. */
  gate: IntakeGate;
  /** The receiver binds to client-mode operators' SMSCs; not started. */
  binds: ReceiverBinds;
  /** The SMPP servers of server-mode links; not listening. */
  operatorServers: OperatorServers;
  /** The bind budget's own Redis client; none when the budget is off (PARCHEE_BIND_LEASE_MS 0). */
  budgetRedis?: RedisClientHandle;
}

/**
 * Start order: Kafka first, then Redis (the re-delivery check's and the part store's clients),
 * binds last (IngressRuntime), so no deliver_sm arrives before it can be stored, nor (Redis
 * permitting) before a re-delivery can be recognised or a part recorded. This connects the first two and builds the rest: nothing is bound or listening
 * yet. Both kinds of link hand their MOs to the acceptor through the intake gate.
 */
export async function createIngressComponents(
  config: IngressConfig,
  deps: { logger: Logger; registry: MetricsRegistry; metrics: IngressMetrics },
): Promise<IngressComponents> {
  const { logger, registry, metrics } = deps;
  const kafka = createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId ?? 'parchee-ingress', logger });
  await ensureTopics({ brokers: config.kafka.brokers, kafka }, TOPIC_SPECS);
  const publisher = new BatchingPublisher(kafka, { logger });
  await publisher.connect();

  // Readiness does not depend on the check's Redis: MOs are taken with or without it. But the
  // binds wait (bounded) until it can answer: a new bind's first MOs are the SMSC's re-sends of
  // what the previous process left unanswered, exactly the ones the check exists for.
  // The part store too: until it answers, every part of a concatenated MO is refused (temporarily).
  const seen = createSeenMoStore(config, { logger, metrics: registry });
  const onDropped = reportDroppedMo(logger, (d) => metrics.concatDropped.inc({ operator: d.operator, reason: d.reason }));
  const parts = createMoPartStore(config, { logger, metrics: registry, onDropped });
  const { readyTimeoutMs } = config.moDedupe;
  const [seenReady, partsReady] = await Promise.all([seen ? seen.ready(readyTimeoutMs) : true, parts.ready(readyTimeoutMs)]);
  if (!seenReady) {
    logger.warn({ waitedMs: readyTimeoutMs }, 'Redis not reachable at start; binding without the re-delivery check until it answers');
  }
  if (!partsReady) {
    logger.warn({ waitedMs: readyTimeoutMs }, 'Redis not reachable at start; parts of concatenated MOs are refused (temporarily) until it answers');
  }

  const acceptor = new MoAcceptor(publisher, new KeyedHasher(config.pepper.pepper), {
    shortCode: config.links.shortCode,
    shortCodes: new Map(config.links.operators.map((link) => [link.id, link.shortCodes])),
    // Only client-mode links bring receipts; a server-mode link's operator is sent no receipt request.
    messageIdFormats: new Map(config.links.operators.filter(isClientLink).map((link) => [link.id, link.submit.messageIdFormat])),
    nextPepper: config.pepper.next === undefined ? undefined : new KeyedHasher(config.pepper.next),
    logger,
    onOutcome: (operator, outcome) => metrics.received.inc({ operator, outcome }),
    onRefused: (operator, reason) => metrics.refused.inc({ operator, reason }),
    seen: seen?.store,
    onSeenStoreError: () => seen?.commandFailed(),
    parts: parts.store,
    onPartStoreError: () => parts.commandFailed(),
  });
  const gate = new IntakeGate();
  const sink = gate.guard(acceptor, (operator) => metrics.received.inc({ operator, outcome: 'refused_stopping' }));
  const budget = await openBindBudget(config.bindBudget, config.redis, config.moDedupe.readyTimeoutMs, logger);
  const binds = new ReceiverBinds({ links: config.links.operators, logger, metrics: registry, sink, budget: budget?.budget });
  // Server-mode links: operators bind to us and submit MOs, as deliver_sm to the same sink.
  const operatorServers = new OperatorServers({ links: config.links.operators, logger, metrics: registry, sink });
  return { publisher, seen, parts, acceptor, gate, binds, operatorServers, budgetRedis: budget?.redis };
}
