import { bootService } from '@parchee/observability';
import { loadEgressConfig } from './config/egress-config';
import { EgressModule } from './egress.module';

bootService({ name: 'egress', loadConfig: loadEgressConfig, module: (config) => EgressModule.forRoot(config) });
