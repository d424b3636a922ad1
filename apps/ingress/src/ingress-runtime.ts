import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TOPIC_SPECS } from '@parchee/contracts';
import { BatchingPublisher, createKafka, ensureTopics } from '@parchee/messaging';
import { HealthRegistry, LOGGER, MetricsRegistry, type Logger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { createRedisClient, type RedisClientHandle } from '@parchee/redis';
import { OperatorServers } from './binds/operator-server';
import { ReceiverBinds } from './binds/receiver-binds';
import type { IngressConfig } from './config/ingress-config';
import { RedisSeenMoStore } from './dedupe/seen-mo-store';
import { MoAcceptor } from './mo/mo-acceptor';
import { IntakeGate } from './shutdown/intake-gate';

export const INGRESS_CONFIG = Symbol('ingress.config');

/**
 * Start order: Kafka first, then the re-delivery check's Redis, binds last, so no deliver_sm
 * arrives before it can be stored, nor (Redis permitting) before a re-delivery can be recognised.
 * Stop order: refuse new MOs (the SMSCs keep them), let the MOs in hand be stored and answered,
 * unbind, then flush Kafka.
 */
@Injectable()
export class IngressRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private publisher?: BatchingPublisher;
  private binds?: ReceiverBinds;
  private operatorServers?: OperatorServers;
  private sweeper?: NodeJS.Timeout;
  private dedupeRedis?: RedisClientHandle;
  private readonly intake = new IntakeGate();

  constructor(
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsRegistry,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const kafka = createKafka({ brokers: this.config.kafka.brokers, clientId: this.config.kafka.clientId ?? 'parchee-ingress', logger: this.logger });
    await ensureTopics({ brokers: this.config.kafka.brokers, kafka }, TOPIC_SPECS);
    const publisher = new BatchingPublisher(kafka, { logger: this.logger });
    await publisher.connect();
    this.publisher = publisher;

    const received = this.metrics.counter('parchee_mo_received_total', 'deliver_sm handled by ingress, by operator and outcome', ['operator', 'outcome']);
    const refused = this.metrics.counter('parchee_requests_refused_total', 'Requests refused, by operator and reason', ['operator', 'reason']);
    const acceptor = new MoAcceptor(publisher, new KeyedHasher(this.config.pepper.pepper), {
      shortCode: this.config.links.shortCode,
      nextPepper: this.config.pepper.next === undefined ? undefined : new KeyedHasher(this.config.pepper.next),
      logger: this.logger,
      onOutcome: (operator, outcome) => received.inc({ operator, outcome }),
      onRefused: (operator, reason) => refused.inc({ operator, reason }),
      seen: await this.seenMoStore(),
      onSeenStoreError: () => this.dedupeRedis?.commandFailed('mo_dedupe'),
    });
    this.sweeper = setInterval(() => acceptor.sweep(), 5000);
    this.sweeper.unref();
    const refusedWhileStopping = (operator: string) => received.inc({ operator, outcome: 'refused_stopping' });
    const acceptMo = this.intake.guard((operator: string, pdu: Parameters<MoAcceptor['accept']>[1]) => acceptor.accept(operator, pdu), refusedWhileStopping);

    this.binds = new ReceiverBinds({
      links: this.config.links.operators,
      logger: this.logger,
      metrics: this.metrics,
      onDeliverSm: acceptMo,
    });
    this.health.register({ name: 'kafka', check: () => publisher.isConnected });
    this.health.register({ name: 'smpp_receivers', check: () => this.binds?.allBound ?? false });
    this.binds.start();
    // Server-mode links: operators bind to us and submit MOs; listening starts only now that Kafka is up.
    this.operatorServers = new OperatorServers({
      links: this.config.links.operators,
      logger: this.logger,
      metrics: this.metrics,
      onMo: acceptMo,
    });
    await this.operatorServers.start();
    this.logger.info({ operators: this.config.links.operators.map((o) => o.id), links: this.config.links.source }, 'ingress started');
  }

  /**
   * Its own client, so its short timeout applies to nothing else. No offline queue and no retries
   * (createRedisClient's policy): while Redis is away a command fails at once and the MO is
   * published unchecked, counted as parchee_redis_errors_total{use="mo_dedupe"}. Readiness does
   * not depend on it: MOs are taken with or without Redis. But the binds wait (bounded) until it
   * can answer: a new bind's first MOs are the SMSC's re-sends of what the previous process left
   * unanswered, exactly the ones the check exists for.
   */
  private async seenMoStore(): Promise<RedisSeenMoStore | undefined> {
    const { moDedupe } = this.config;
    if (!moDedupe.enabled) {
      this.logger.warn({}, 'MO re-delivery check is disabled: an SMSC re-delivery becomes a second MO');
      return undefined;
    }
    const redis = createRedisClient(
      { url: this.config.redis.url, name: 'mo-dedupe', uses: ['mo_dedupe'], commandTimeoutMs: moDedupe.redisTimeoutMs },
      { logger: this.logger, metrics: this.metrics },
    );
    this.dedupeRedis = redis;
    if (!(await redis.ready(moDedupe.readyTimeoutMs))) {
      this.logger.warn({ waitedMs: moDedupe.readyTimeoutMs }, 'Redis not reachable at start; binding without the re-delivery check until it answers');
    }
    return new RedisSeenMoStore(redis.client, { windowMs: moDedupe.windowMs, keyPrefix: moDedupe.keyPrefix });
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'ingress stopping');
    this.intake.close();
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([this.binds?.stop(), this.operatorServers?.stop()]);
    await this.publisher?.close();
    await this.dedupeRedis?.close();
  }
}
