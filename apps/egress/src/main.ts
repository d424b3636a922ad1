import { bootService } from '@parchee/observability';
import { loadEgressConfig } from './config/egress-config';
import { EgressModule } from './egress.module';
import { EGRESS_INTAKE } from './egress-tokens';

bootService({ name: 'egress', loadConfig: loadEgressConfig, module: (config) => EgressModule.forRoot(config), intake: EGRESS_INTAKE });
