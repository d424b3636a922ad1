import { bootService } from '@parchee/observability';
import { loadUssdConfig } from './config/ussd-config';
import { UssdModule } from './ussd.module';

bootService({ name: 'ussd', loadConfig: loadUssdConfig, module: (config) => UssdModule.forRoot(config) });
