import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@parchee/config';
import { armShutdownDeadline } from '@parchee/observability';
import { loadIngressConfig } from './config/ingress-config';
import { IngressModule } from './ingress.module';

async function main(): Promise<void> {
  const config = loadIngressConfig();
  const app = await NestFactory.create(IngressModule.forRoot(config), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  armShutdownDeadline({ service: 'ingress' });
  await app.listen(config.service.port, config.service.host);
}

main().catch((err: unknown) => {
  process.stderr.write(`ingress: ${err instanceof ConfigError ? err.message : (err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
