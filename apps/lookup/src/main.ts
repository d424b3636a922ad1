import { bootService } from '@parchee/observability';
import { loadLookupConfig } from './config/lookup-config';
import { LookupModule } from './lookup.module';
import { LOOKUP_INTAKE } from './lookup-tokens';

bootService({ name: 'lookup', loadConfig: loadLookupConfig, module: (config) => LookupModule.forRoot(config), intake: LOOKUP_INTAKE });
