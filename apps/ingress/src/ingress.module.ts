import { Module, type DynamicModule } from '@nestjs/common';
import { LOGGER, MetricsRegistry, ObservabilityModule, type Logger } from '@parchee/observability';
import type { IngressConfig } from './config/ingress-config';
import { createIngressComponents } from './ingress-components';
import { createIngressMetrics, type IngressMetrics } from './ingress-metrics';
import { IngressRuntime } from './ingress-runtime';
import { INGRESS_COMPONENTS, INGRESS_CONFIG, INGRESS_METRICS } from './ingress-tokens';

/**
 * NestJS gives ingress its ordered start and shutdown and its HTTP side (/metrics, /health). Its
 * intake is SMPP, not Kafka: the receiver binds and the server-mode listeners, which IngressRuntime
 * starts last and unbinds once the intake gate refuses new MOs.
 */
@Module({})
export class IngressModule {
  static forRoot(config: IngressConfig): DynamicModule {
    return {
      module: IngressModule,
      imports: [ObservabilityModule.forRoot({ service: 'ingress', logLevel: config.service.logLevel, prettyLogs: config.service.prettyLogs })],
      providers: [
        { provide: INGRESS_CONFIG, useValue: config },
        { provide: INGRESS_METRICS, useFactory: createIngressMetrics, inject: [MetricsRegistry] },
        {
          provide: INGRESS_COMPONENTS,
          useFactory: (logger: Logger, registry: MetricsRegistry, metrics: IngressMetrics) => createIngressComponents(config, { logger, registry, metrics }),
          inject: [LOGGER, MetricsRegistry, INGRESS_METRICS],
        },
        IngressRuntime,
      ],
    };
  }
}
