import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@parchee/observability';
import type { IngressConfig } from './config/ingress-config';
import { INGRESS_CONFIG, IngressRuntime } from './ingress-runtime';

@Module({})
export class IngressModule {
  static forRoot(config: IngressConfig): DynamicModule {
    return {
      module: IngressModule,
      imports: [ObservabilityModule.forRoot({ service: 'ingress', logLevel: config.service.logLevel, prettyLogs: config.service.prettyLogs })],
      providers: [{ provide: INGRESS_CONFIG, useValue: config }, IngressRuntime],
    };
  }
}
