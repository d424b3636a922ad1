import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, LOGGER, type Logger } from '@parchee/observability';
import type { EgressConfig } from './config/egress-config';
import type { EgressComponents } from './egress-components';
import { EGRESS_COMPONENTS, EGRESS_CONFIG } from './egress-tokens';

/**
 * Start: the components are connected (egress-components.ts); then the binds, health and lag, then
 * the MT and receipt intakes (bootService), so MTs are not read before they can be sent. Stop: lag
 * first, then the intakes (the batches in hand finish and commit), then unbind and close what they
 * used.
 */
@Injectable()
export class EgressRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(EGRESS_CONFIG) private readonly config: EgressConfig,
    @Inject(EGRESS_COMPONENTS) private readonly components: EgressComponents,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { transmitters, operatorServers, mtConsumer, receiptConsumer, deadLetters, redis, lag } = this.components;
    await transmitters.start();
    await operatorServers.start();
    this.health.register({ name: 'smpp_transmitters', check: () => transmitters.allBound });
    this.health.register({ name: 'kafka', check: () => mtConsumer.isRunning && receiptConsumer.isRunning && deadLetters.isConnected });
    this.health.register({ name: 'redis', check: () => redis.isReady() });
    await lag.start();
    this.logger.info({ operators: this.config.links.operators.map((o) => o.id) }, 'egress started');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'egress stopping');
    await this.components.lag.stop();
  }

  /** Both consumers have stopped (Nest closed the intake): nothing submits or correlates any more. */
  async onApplicationShutdown(): Promise<void> {
    const { throttle, messageIds, deadLetters, transmitters, operatorServers, redis, budgetRedis } = this.components;
    throttle.close();
    await messageIds.idle();
    await deadLetters.close();
    await Promise.all([transmitters.stop(), operatorServers.stop()]);
    await Promise.all([redis.close(), budgetRedis?.close()]);
  }
}
