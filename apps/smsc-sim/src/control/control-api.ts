import type { AddressInfo } from 'node:net';
import { Module, type DynamicModule, type LoggerService } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { LOGGER, silentLogger, type Logger } from '@parchee/observability';
import type { Express } from 'express';
import { ControlExceptionFilter } from './control-exception.filter';
import { ControlRoutesGuard } from './control-routes.guard';
import { HealthController } from './health.controller';
import { MtHistoryController } from './mt-history.controller';
import { OperatorActionsController } from './operator-actions.controller';
import { OperatorFaultsController } from './operator-faults.controller';
import { SIM_CONTROL, type SimulatorControl } from './sim-control';
import { StatsController } from './stats.controller';
import { TrafficController } from './traffic.controller';

export type { FaultControl, SimulatorControl } from './sim-control';

/** Request bodies above this are refused (413): the API takes short texts, not files. */
const MAX_BODY_BYTES = 1 << 20;

@Module({})
class ControlApiModule {
  static forRoot(sim: SimulatorControl, logger: Logger): DynamicModule {
    return {
      module: ControlApiModule,
      controllers: [HealthController, TrafficController, MtHistoryController, StatsController, OperatorFaultsController, OperatorActionsController],
      providers: [
        { provide: SIM_CONTROL, useValue: sim },
        { provide: LOGGER, useValue: logger },
        { provide: APP_GUARD, useClass: ControlRoutesGuard },
        { provide: APP_FILTER, useClass: ControlExceptionFilter },
      ],
    };
  }
}

/**
 * The simulator's HTTP control API: a NestJS application on Express, one controller per
 * capability (routes in the app README). JSON in and out; every failure is
 * `{ error: <stable code>, ... }` (ControlExceptionFilter), every body and query string is checked
 * by a zod schema (ZodValidationPipe).
 */
export class ControlApi {
  private app: NestExpressApplication | undefined;

  constructor(
    private readonly sim: SimulatorControl,
    private readonly logger: Logger = silentLogger,
  ) {}

  async listen(host: string, port: number): Promise<{ host: string; port: number }> {
    const app = await NestFactory.create<NestExpressApplication>(ControlApiModule.forRoot(this.sim, this.logger), expressAdapter(), {
      logger: nestLogger(this.logger),
      // A boot failure rejects, for startSimulator to stop what it started, rather than abort the process.
      abortOnError: false,
      // Bodies are read below, as bytes.
      bodyParser: false,
      // close() drops keep-alive connections and requests in flight (a POST /mo waiting for its reply).
      forceCloseConnections: true,
    });
    this.app = app;
    // Every body is read whatever its content-type (as curl -d sends it) and parsed as JSON by the
    // pipe of the route that takes one; compressed bodies are not read (400, not JSON).
    app.useBodyParser('raw', { type: () => true, limit: MAX_BODY_BYTES, inflate: false });
    await app.listen(port, host);
    const address = app.getHttpServer().address() as AddressInfo;
    return { host: address.address, port: address.port };
  }

  async close(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    await app?.close();
  }
}

/** Express set to answer as the API always has (it began as a node:http router). */
function expressAdapter(): ExpressAdapter {
  const adapter = new ExpressAdapter();
  // Paths match exactly: /Health and /health/ are unknown routes. The adapter's constructor has
  // already created the router (the settings "case sensitive routing" and "strict routing" are read
  // then), and the router reads these two when each route is added.
  const router = adapter.getInstance<Express>().router as unknown as { caseSensitive: boolean; strict: boolean };
  router.caseSensitive = true;
  router.strict = true;
  // A repeated query parameter keeps its last value, never becomes an array.
  adapter.set('query parser', (query: string) => Object.fromEntries(new URLSearchParams(query)));
  // Every answer is fresh: no ETag and never a 304 (even to If-None-Match: *); no X-Powered-By.
  adapter.set('etag', false);
  Object.defineProperty(adapter.getInstance<Express>().request, 'fresh', { get: () => false });
  adapter.disable('x-powered-by');
  return adapter;
}

/** Nest's own lines (modules loaded, routes mapped) go to the simulator's pino log at debug. */
function nestLogger(logger: Logger): LoggerService {
  const at =
    (nest: string) =>
    (message: unknown, ...rest: unknown[]): void =>
      logger.debug({ nest, context: rest.at(-1) }, String(message));
  return { log: at('log'), error: at('error'), warn: at('warn'), debug: at('debug'), verbose: at('verbose'), fatal: at('fatal') };
}
