import { Module, type DynamicModule } from '@nestjs/common';
import { LOGGER, MetricsRegistry, ObservabilityModule, type Logger } from '@parchee/observability';
import type { UssdConfig } from './config/ussd-config';
import { createUssdComponents, type UssdComponents } from './ussd-components';
import { createUssdMetrics, type UssdMetrics } from './ussd-metrics';
import { UssdRuntime } from './ussd-runtime';
import { USSD_COMPONENTS, USSD_CONFIG, USSD_METRICS } from './ussd-tokens';

/**
 * NestJS gives the USSD service its ordered start and shutdown and its HTTP side (/metrics,
 * /health). Its intake will be its transports (SMPP USSD operations, an HTTP gateway), none built
 * yet; each will hand network steps to UssdDialogs.
 */
@Module({})
export class UssdModule {
  static forRoot(config: UssdConfig): DynamicModule {
    return {
      module: UssdModule,
      imports: [ObservabilityModule.forRoot({ service: 'ussd', logLevel: config.service.logLevel, prettyLogs: config.service.prettyLogs })],
      providers: [
        { provide: USSD_CONFIG, useValue: config },
        { provide: USSD_METRICS, useFactory: createUssdMetrics, inject: [MetricsRegistry] },
        {
          provide: USSD_COMPONENTS,
          useFactory: (logger: Logger, registry: MetricsRegistry, metrics: UssdMetrics): Promise<UssdComponents> =>
            createUssdComponents(config, { logger, registry, metrics }),
          inject: [LOGGER, MetricsRegistry, USSD_METRICS],
        },
        UssdRuntime,
      ],
    };
  }
}
