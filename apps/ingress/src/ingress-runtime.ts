import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, LOGGER, type Logger } from '@parchee/observability';
import type { IngressConfig } from './config/ingress-config';
import type { IngressComponents } from './ingress-components';
import { INGRESS_COMPONENTS, INGRESS_CONFIG } from './ingress-tokens';

/** How often concatenated MOs whose parts stopped coming are given up, ms. Every replica sweeps; each MO is reported once. */
const REASSEMBLY_SWEEP_MS = 5000;

/**
 * Start order: Kafka first, then Redis (both connected by ingress-components.ts), binds last, so
 * no deliver_sm arrives before it can be stored, nor (Redis permitting) before a re-delivery can
 * be recognised or a part of a concatenated MO recorded.
 * Stop order: refuse new MOs (the SMSCs keep them), let the MOs in hand be stored and answered,
 * unbind, then flush Kafka, then close Redis.
 */
@Injectable()
export class IngressRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private sweeper?: NodeJS.Timeout;

  constructor(
    @Inject(INGRESS_CONFIG) private readonly config: IngressConfig,
    @Inject(INGRESS_COMPONENTS) private readonly components: IngressComponents,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { publisher, acceptor, binds, operatorServers } = this.components;
    this.health.register({ name: 'kafka', check: () => publisher.isConnected });
    this.health.register({ name: 'smpp_receivers', check: () => binds.allBound });
    this.sweeper = setInterval(() => void acceptor.sweep(), REASSEMBLY_SWEEP_MS);
    this.sweeper.unref();
    await binds.start();
    // Server-mode links: listening starts only now that Kafka is up.
    await operatorServers.start();
    this.logger.info({ operators: this.config.links.operators.map((o) => o.id), links: this.config.links.source }, 'ingress started');
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'ingress stopping');
    const { gate, binds, operatorServers, publisher, seen, parts, budgetRedis } = this.components;
    gate.close();
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all([binds.stop(), operatorServers.stop()]);
    await publisher.close();
    await Promise.all([seen?.close(), parts.close(), budgetRedis?.close()]);
  }
}
