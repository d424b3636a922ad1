import { bootService } from '@parchee/observability';
import { loadLookupConfig } from './config/lookup-config';
import { LookupModule } from './lookup.module';

bootService({ name: 'lookup', loadConfig: loadLookupConfig, module: (config) => LookupModule.forRoot(config) });
