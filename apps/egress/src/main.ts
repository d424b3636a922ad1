import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@parchee/config';
import { armShutdownDeadline } from '@parchee/observability';
import { loadEgressConfig } from './config/egress-config';
import { EgressModule } from './egress.module';

async function main(): Promise<void> {
  const config = loadEgressConfig();
  const app = await NestFactory.create(EgressModule.forRoot(config), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  armShutdownDeadline({ service: 'egress' });
  await app.listen(config.service.port, config.service.host);
}

main().catch((err: unknown) => {
  process.stderr.write(`egress: ${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
