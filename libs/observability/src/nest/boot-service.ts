import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@parchee/config';
import { armShutdownDeadline } from '../shutdown/shutdown-deadline';

export interface ServiceDefinition<C extends { service: { port: number; host: string } }> {
  /** The service's name, as in logs and metrics. */
  name: string;
  /** Reads and validates the configuration; throws ConfigError naming each bad setting. */
  loadConfig: () => C;
  /** The service's root module for that configuration. */
  module: (config: C) => DynamicModule;
}

/**
 * The whole of a service's main.ts: configuration validated before anything starts, the Nest
 * application with shutdown hooks (ordered shutdown on SIGTERM, under the shutdown deadline), its
 * HTTP port for /metrics and /health. A bad configuration ends the process with one readable
 * message and exit code 1; any other start failure with its stack.
 */
export function bootService<C extends { service: { port: number; host: string } }>(definition: ServiceDefinition<C>): void {
  const start = async (): Promise<void> => {
    const config = definition.loadConfig();
    const app = await NestFactory.create(definition.module(config), { logger: ['error', 'warn'] });
    app.enableShutdownHooks();
    armShutdownDeadline({ service: definition.name });
    await app.listen(config.service.port, config.service.host);
  };
  start().catch((err: unknown) => {
    process.stderr.write(`${definition.name}: ${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  });
}
