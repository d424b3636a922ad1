import { Module, type DynamicModule } from '@nestjs/common';
import { LOGGER, MetricsRegistry, ObservabilityModule, type Logger } from '@parchee/observability';
import type { EgressConfig } from './config/egress-config';
import { createEgressComponents, type EgressComponents } from './egress-components';
import { createEgressMetrics, type EgressMetrics } from './egress-metrics';
import { EgressRuntime } from './egress-runtime';
import { EGRESS_COMPONENTS, EGRESS_CONFIG, EGRESS_INTAKE, EGRESS_METRICS } from './egress-tokens';
import { MtIntakeController } from './intake/mt-intake.controller';
import { ReceiptIntakeController } from './intake/receipt-intake.controller';

/**
 * NestJS gives egress its ordered start and shutdown and its HTTP side (/metrics, /health); its MT
 * and receipt intakes are a Nest microservice on Parchee's own Kafka transport, which keeps
 * batches and commits each one only once its handler is done (libs/messaging's KafkaBatchTransport).
 */
@Module({})
export class EgressModule {
  static forRoot(config: EgressConfig): DynamicModule {
    return {
      module: EgressModule,
      imports: [ObservabilityModule.forRoot({ service: 'egress', logLevel: config.service.logLevel, prettyLogs: config.service.prettyLogs })],
      controllers: [MtIntakeController, ReceiptIntakeController],
      providers: [
        { provide: EGRESS_CONFIG, useValue: config },
        { provide: EGRESS_METRICS, useFactory: createEgressMetrics, inject: [MetricsRegistry] },
        {
          provide: EGRESS_COMPONENTS,
          useFactory: (logger: Logger, registry: MetricsRegistry, metrics: EgressMetrics) => createEgressComponents(config, { logger, registry, metrics }),
          inject: [LOGGER, MetricsRegistry, EGRESS_METRICS],
        },
        { provide: EGRESS_INTAKE, useFactory: (components: EgressComponents) => components.intake, inject: [EGRESS_COMPONENTS] },
        EgressRuntime,
      ],
    };
  }
}
