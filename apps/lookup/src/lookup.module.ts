import { Module, type DynamicModule } from '@nestjs/common';
import { LOGGER, MetricsRegistry, ObservabilityModule, type Logger } from '@parchee/observability';
import type { LookupConfig } from './config/lookup-config';
import { MoIntakeController } from './intake/mo-intake.controller';
import { createLookupComponents, type LookupComponents } from './lookup-components';
import { createLookupMetrics, type LookupMetrics } from './lookup-metrics';
import { LookupRuntime } from './lookup-runtime';
import { LOOKUP_COMPONENTS, LOOKUP_CONFIG, LOOKUP_INTAKE, LOOKUP_METRICS } from './lookup-tokens';

/**
 * NestJS gives lookup its ordered start and shutdown and its HTTP side (/metrics, /health); its
 * MO intake is a Nest microservice on Parchee's own Kafka transport, which keeps batches,
 * transactions and group commit (libs/messaging's KafkaBatchTransport).
 */
@Module({})
export class LookupModule {
  static forRoot(config: LookupConfig): DynamicModule {
    return {
      module: LookupModule,
      imports: [ObservabilityModule.forRoot({ service: 'lookup', logLevel: config.service.logLevel, prettyLogs: config.service.prettyLogs })],
      controllers: [MoIntakeController],
      providers: [
        { provide: LOOKUP_CONFIG, useValue: config },
        { provide: LOOKUP_METRICS, useFactory: createLookupMetrics, inject: [MetricsRegistry] },
        {
          provide: LOOKUP_COMPONENTS,
          useFactory: (logger: Logger, registry: MetricsRegistry, metrics: LookupMetrics) => createLookupComponents(config, { logger, registry, metrics }),
          inject: [LOGGER, MetricsRegistry, LOOKUP_METRICS],
        },
        { provide: LOOKUP_INTAKE, useFactory: (components: LookupComponents) => components.intake, inject: [LOOKUP_COMPONENTS] },
        LookupRuntime,
      ],
    };
  }
}
