import { bootService } from '@parchee/observability';
import { loadIngressConfig } from './config/ingress-config';
import { IngressModule } from './ingress.module';

bootService({ name: 'ingress', loadConfig: loadIngressConfig, module: (config) => IngressModule.forRoot(config) });
