import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@parchee/observability';
import type { EgressConfig } from './config/egress-config';
import { EGRESS_CONFIG, EgressRuntime } from './egress-runtime';

@Module({})
export class EgressModule {
  static forRoot(config: EgressConfig): DynamicModule {
    return {
      module: EgressModule,
      imports: [ObservabilityModule.forRoot({ service: 'egress', logLevel: config.service.logLevel, prettyLogs: config.service.prettyLogs })],
      providers: [{ provide: EGRESS_CONFIG, useValue: config }, EgressRuntime],
    };
  }
}
