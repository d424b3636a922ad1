import 'reflect-metadata';
import type { DynamicModule, INestApplication, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomTransportStrategy } from '@nestjs/microservices';
import { KafkaBatchTransport, kafkaIntake, type ConsumedBatch } from '@parchee/messaging';
import { HealthRegistry, ObservabilityModule, silentLogger } from '@parchee/observability';
import type { EgressConfig } from './config/egress-config';
import { DeferredBatchError } from './delivery/deferred-batch-error';
import { DLR_INTAKE, MT_INTAKE, type EgressComponents } from './egress-components';
import { EgressModule } from './egress.module';
import { EGRESS_COMPONENTS, EGRESS_INTAKE } from './egress-tokens';

/*
 * The egress module as bootService runs it (application, intake microservice, init, start, close),
 * with every component replaced by one that records what is done to it: the order of starts and
 * stops is what this pins. Nothing touches the network.
 */

const config = {
  service: { port: 0, host: '127.0.0.1', logLevel: 'silent', prettyLogs: false },
  links: { operators: [{ id: 'jazz', tps: 50 }] },
} as unknown as EgressConfig;

function batchOf(topic: string): ConsumedBatch {
  return { topic, partition: 0, records: [], heartbeat: async () => undefined, isRunning: () => true };
}

/** A consumer that records its start and stop and keeps the handler the transport gave it. */
function fakeConsumer(name: string, events: string[]) {
  return {
    isRunning: false,
    handler: undefined as ((batch: ConsumedBatch) => Promise<unknown>) | undefined,
    async start(handler: (batch: ConsumedBatch) => Promise<unknown>) {
      events.push(`${name}.start`);
      this.handler = handler;
      this.isRunning = true;
    },
    async stop() {
      events.push(`${name}.stop`);
      this.isRunning = false;
    },
  };
}

function fakeComponents(events: string[]) {
  const step = (name: string) => async () => void events.push(name);
  const mtConsumer = fakeConsumer('mtConsumer', events);
  const receiptConsumer = fakeConsumer('receiptConsumer', events);
  const handled: Array<{ by: string; batch: ConsumedBatch }> = [];
  const components = {
    transmitters: { start: step('transmitters.start'), allBound: true, stop: step('transmitters.stop') },
    operatorServers: { start: async () => (events.push('operatorServers.start'), new Map()), stop: step('operatorServers.stop') },
    redis: { isReady: () => true, close: step('redis.close') },
    messageIds: { idle: step('messageIds.idle') },
    deadLetters: { isConnected: true, close: step('deadLetters.close') },
    throttle: { close: () => void events.push('throttle.close') },
    pipeline: { process: async (batch: ConsumedBatch) => void handled.push({ by: 'pipeline', batch }) },
    correlator: { process: async (batch: ConsumedBatch) => void handled.push({ by: 'correlator', batch }) },
    mtConsumer,
    receiptConsumer,
    intake: new KafkaBatchTransport([kafkaIntake(MT_INTAKE, mtConsumer), kafkaIntake(DLR_INTAKE, receiptConsumer)]),
    lag: { start: step('lag.start'), stop: step('lag.stop') },
    budgetRedis: { close: step('budgetRedis.close') },
  } satisfies Record<keyof EgressComponents, unknown>;
  return { components, handled, mtConsumer, receiptConsumer };
}

/** EgressModule for `config`, its components replaced and its logs silenced. */
function moduleWith(components: unknown): DynamicModule {
  const root = EgressModule.forRoot(config);
  return {
    ...root,
    imports: [ObservabilityModule.forRoot({ service: 'egress', logger: silentLogger })],
    providers: (root.providers ?? []).map((p: Provider) =>
      typeof p === 'object' && 'provide' in p && p.provide === EGRESS_COMPONENTS ? { provide: EGRESS_COMPONENTS, useValue: components } : p,
    ),
  };
}

/** What bootService does, short of listening on a port. */
async function boot(module: DynamicModule): Promise<INestApplication> {
  const app = await NestFactory.create(module, { logger: false });
  app.connectMicroservice({ strategy: app.get<CustomTransportStrategy>(EGRESS_INTAKE) }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  return app;
}

describe('EgressModule and EgressRuntime', () => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('starts the binds and the lag monitor before either intake consumes, MTs first', async () => {
    const events: string[] = [];
    app = await boot(moduleWith(fakeComponents(events).components));
    expect(events).toEqual(['transmitters.start', 'operatorServers.start', 'lag.start', 'mtConsumer.start', 'receiptConsumer.start']);
  });

  it('hands MT batches to the pipeline and receipt batches to the correlator', async () => {
    const fake = fakeComponents([]);
    app = await boot(moduleWith(fake.components));
    const mts = batchOf('sms.mt.v1');
    const receipts = batchOf('sms.dlr.v1');
    await fake.mtConsumer.handler?.(mts);
    await fake.receiptConsumer.handler?.(receipts);
    expect(fake.handled).toEqual([
      { by: 'pipeline', batch: mts },
      { by: 'correlator', batch: receipts },
    ]);
  });

  it('gives the consumer the pipeline’s own error, so a deferred batch is read again', async () => {
    const fake = fakeComponents([]);
    const deferred = new DeferredBatchError('1 MTs could not be submitted yet');
    fake.components.pipeline.process = async () => {
      throw deferred;
    };
    app = await boot(moduleWith(fake.components));
    await expect(fake.mtConsumer.handler?.(batchOf('sms.mt.v1'))).rejects.toBe(deferred);
  });

  it('is ready only with the binds up, both consumers running, the dead-letter publisher connected and Redis ready', async () => {
    const fake = fakeComponents([]);
    app = await boot(moduleWith(fake.components));
    const health = app.get(HealthRegistry);
    expect(await health.report()).toEqual({ ready: true, checks: { smpp_transmitters: true, kafka: true, redis: true } });
    fake.receiptConsumer.isRunning = false;
    expect(await health.report()).toMatchObject({ ready: false, checks: { kafka: false } });
  });

  it('stops the lag monitor, then both consumers, then what they used, in order', async () => {
    const events: string[] = [];
    const booted = await boot(moduleWith(fakeComponents(events).components));
    events.length = 0;
    await booted.close();
    expect(events.slice(0, 1)).toEqual(['lag.stop']);
    expect(events.slice(1, 3).sort()).toEqual(['mtConsumer.stop', 'receiptConsumer.stop']);
    expect(events.slice(3, 6)).toEqual(['throttle.close', 'messageIds.idle', 'deadLetters.close']);
    expect(events.slice(6, 8).sort()).toEqual(['operatorServers.stop', 'transmitters.stop']);
    expect(events.slice(8).sort()).toEqual(['budgetRedis.close', 'redis.close']);
  });
});
