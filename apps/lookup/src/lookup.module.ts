import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@parchee/observability';
import type { LookupConfig } from './config/lookup-config';
import { LOOKUP_CONFIG, LookupRuntime } from './lookup-runtime';

@Module({})
export class LookupModule {
  static forRoot(config: LookupConfig): DynamicModule {
    return {
      module: LookupModule,
      imports: [ObservabilityModule.forRoot({ service: 'lookup', logLevel: config.service.logLevel, prettyLogs: config.service.prettyLogs })],
      providers: [{ provide: LOOKUP_CONFIG, useValue: config }, LookupRuntime],
    };
  }
}
