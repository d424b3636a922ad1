import 'reflect-metadata';
import type { DynamicModule, InjectionToken } from '@nestjs/common';
import type { CustomTransportStrategy } from '@nestjs/microservices';
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
  /**
   * The provider of the service's message intake (libs/messaging's KafkaBatchTransport), if it
   * has one: it starts once every component has started, and stops first on shutdown.
   */
  intake?: InjectionToken;
}

/**
 * The whole of a service's main.ts: configuration validated before anything starts, the Nest
 * application with shutdown hooks (ordered shutdown on SIGTERM, under the shutdown deadline), its
 * HTTP port for /metrics and /health. A bad configuration ends the process with one readable
 * message and exit code 1; any other start failure with its stack.
 *
 * Start: providers are built (components connect), `onApplicationBootstrap` starts what must run
 * before any message arrives (binds), then the intake, then HTTP. Stop: `beforeApplicationShutdown`,
 * then the intake and HTTP close (the batches in hand finish and commit), then
 * `onApplicationShutdown` closes what the handlers used.
 */
export function bootService<C extends { service: { port: number; host: string } }>(definition: ServiceDefinition<C>): void {
  const start = async (): Promise<void> => {
    const config = definition.loadConfig();
    const app = await NestFactory.create(definition.module(config), { logger: ['error', 'warn'] });
    app.enableShutdownHooks();
    armShutdownDeadline({ service: definition.name });
    if (definition.intake !== undefined) app.connectMicroservice({ strategy: app.get<CustomTransportStrategy>(definition.intake) }, { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.service.port, config.service.host);
  };
  start().catch((err: unknown) => {
    process.stderr.write(`${definition.name}: ${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exit(1);
  });
}
