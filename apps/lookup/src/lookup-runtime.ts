import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, LOGGER, MetricsRegistry, type Logger } from '@parchee/observability';
import type { LookupConfig } from './config/lookup-config';
import type { LookupComponents } from './lookup-components';
import { LOOKUP_COMPONENTS, LOOKUP_CONFIG } from './lookup-tokens';
import { registerRollVersionGauge } from './observability/roll-version-gauge';

/**
 * Start: the components are connected (lookup-components.ts); then health and lag, then the MO
 * intake (bootService). Stop: lag first, then the intake (the batches in hand commit their
 * transactions), then what they used: the roll, the audit writer, the guard.
 */
@Injectable()
export class LookupRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(LOOKUP_CONFIG) private readonly config: LookupConfig,
    @Inject(LOOKUP_COMPONENTS) private readonly components: LookupComponents,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: MetricsRegistry,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { roll, processor, lag } = this.components;
    this.health.register({ name: 'kafka', check: () => processor.isRunning });
    this.health.register({ name: 'postgres', check: async () => (await roll.repository.activeVersion()) !== null });
    // Lookups still answer from PostgreSQL without Redis, but slower than the roll can bear at peak.
    this.health.register({ name: 'redis', check: () => roll.cacheReady(0) });
    registerRollVersionGauge(this.metrics, () => roll.repository.activeVersion());
    await lag.start();
    this.logger.info({ instance: this.config.lookup.instanceId }, 'lookup started');
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'lookup stopping');
    await this.components.lag.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    const { roll, audit, guard } = this.components;
    await roll.close();
    await audit.close();
    await guard?.close();
  }
}
