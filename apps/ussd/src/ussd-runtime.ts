import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HealthRegistry, LOGGER, type Logger } from '@parchee/observability';
import type { UssdComponents } from './ussd-components';
import { USSD_COMPONENTS } from './ussd-tokens';

/**
 * Start: the components are connected (ussd-components.ts); then the health checks. The
 * transports (SMPP USSD operations, the HTTP gateway) will start here, last, once built. Stop:
 * what the steps used: Kafka (the SMSs in hand are acknowledged first), the sessions' Redis, the
 * roll, the audit writer, the guard.
 */
@Injectable()
export class UssdRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(USSD_COMPONENTS) private readonly components: UssdComponents,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly health: HealthRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { publisher, sessionsRedis, roll } = this.components;
    this.health.register({ name: 'kafka', check: () => publisher.isConnected });
    // No dialog without its session: a step is answered busy while this is down.
    this.health.register({ name: 'redis', check: () => sessionsRedis.isReady() });
    this.health.register({ name: 'postgres', check: async () => (await roll.repository.activeVersion()) !== null });
    this.logger.info({ transports: [] }, 'ussd started (no transport is built yet)');
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'ussd stopping');
    const { publisher, sessionsRedis, roll, audit, guard } = this.components;
    await publisher.close();
    await sessionsRedis.close();
    await roll.close();
    await audit.close();
    await guard?.close();
  }
}
