import { DynamicModule, Global, Module } from '@nestjs/common';
import { exposeHealthChecks } from '../health/health-metrics';
import { HealthRegistry } from '../health/health-registry';
import { createLogger, Logger } from '../logging/logger';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { ObservabilityController } from './observability.controller';
import { LOGGER } from './observability.tokens';

export interface ObservabilityModuleOptions {
  service: string;
  logLevel?: string;
  prettyLogs?: boolean;
  logger?: Logger;
}

/** Logger, metrics and health for one service, plus the /metrics and /health/* endpoints. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityModuleOptions): DynamicModule {
    const logger = options.logger ?? createLogger({ service: options.service, level: options.logLevel, pretty: options.prettyLogs });
    const metrics = new MetricsRegistry(options.service);
    const health = new HealthRegistry();
    exposeHealthChecks(metrics, health);
    return {
      module: ObservabilityModule,
      controllers: [ObservabilityController],
      providers: [
        { provide: LOGGER, useValue: logger },
        { provide: MetricsRegistry, useValue: metrics },
        { provide: HealthRegistry, useValue: health },
      ],
      exports: [LOGGER, MetricsRegistry, HealthRegistry],
    };
  }
}
