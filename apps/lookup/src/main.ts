import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@parchee/config';
import { armShutdownDeadline } from '@parchee/observability';
import { loadLookupConfig } from './config/lookup-config';
import { LookupModule } from './lookup.module';

async function main(): Promise<void> {
  const config = loadLookupConfig();
  const app = await NestFactory.create(LookupModule.forRoot(config), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  armShutdownDeadline({ service: 'lookup' });
  await app.listen(config.service.port, config.service.host);
}

main().catch((err: unknown) => {
  process.stderr.write(`lookup: ${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
