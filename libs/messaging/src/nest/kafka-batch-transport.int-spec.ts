import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, Module, UseFilters, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ConsumedBatch } from '../consumer/consumed-batch';
import { BatchConsumer } from '../consumer/batch-consumer';
import { TransactionalProcessor, type ProcessedBatch } from '../consumer/transactional-processor';
import { BatchingPublisher } from '../producer/batching-publisher';
import { freshTopic, testKafka } from '../testing';
import { KafkaBatchContext, KafkaBatchTransport, RethrowToConsumer, kafkaIntake, type BatchSource } from './kafka-batch-transport';

/** What the test controller saw and how it answers, shared with the test through module scope. */
const seen: Array<{ pattern: string; topic: string; partition: number; values: string[] }> = [];
let failNext = 0;
let inTopic = '';
let outTopic = '';
let txTopic = '';

class RetriableTestError extends Error {
  readonly code = 'TEST_RETRIABLE';
  readonly retriable = true;
}

@Controller()
@UseFilters(RethrowToConsumer)
class TestIntake {
  @EventPattern('plain')
  plain(@Payload() batch: ConsumedBatch, @Ctx() context: KafkaBatchContext): void {
    if (failNext > 0) {
      failNext--;
      throw new RetriableTestError('handler failed once');
    }
    seen.push({ pattern: 'plain', topic: context.topic, partition: context.partition, values: batch.records.map((r) => r.value?.toString() ?? '') });
  }

  @EventPattern('transactional')
  async transactional(@Payload() batch: ConsumedBatch): Promise<ProcessedBatch> {
    seen.push({ pattern: 'transactional', topic: batch.topic, partition: batch.partition, values: batch.records.map((r) => r.value?.toString() ?? '') });
    return { records: batch.records.map((r) => ({ topic: outTopic, key: r.key?.toString() ?? null, value: Buffer.from(`reply to ${r.value?.toString()}`) })) };
  }
}

@Module({ controllers: [TestIntake] })
class TestModule {}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('KafkaBatchTransport: Parchee consumers as a Nest microservice', () => {
  const kafka = testKafka('nest-transport');
  let app: INestApplication;
  let publisher: BatchingPublisher;
  const plainGroup = `nest-plain-${randomUUID()}`;
  /** What the plain consumer's handler threw, as the consumer got it. */
  const thrown: unknown[] = [];
  const recording = <R>(source: BatchSource<R>): BatchSource<R> => ({
    start: (handler) =>
      source.start(async (batch) => {
        try {
          return await handler(batch);
        } catch (err) {
          thrown.push(err);
          throw err;
        }
      }),
    stop: () => source.stop(),
  });

  beforeAll(async () => {
    inTopic = await freshTopic('nest-in', 1);
    txTopic = await freshTopic('nest-tx', 1);
    outTopic = await freshTopic('nest-out', 1);
    publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    app = await NestFactory.create(TestModule, { logger: false });
    app.connectMicroservice(
      {
        strategy: new KafkaBatchTransport([
          kafkaIntake('plain', recording(new BatchConsumer(kafka, { groupId: plainGroup, topics: [inTopic], sessionTimeoutMs: 6000 }))),
          kafkaIntake(
            'transactional',
            new TransactionalProcessor(kafka, {
              groupId: `nest-tx-${randomUUID()}`,
              topic: txTopic,
              transactionalIdPrefix: `nest-tx-${randomUUID()}`,
              sessionTimeoutMs: 6000,
            }),
          ),
        ]),
      },
      { inheritAppConfig: true },
    );
    await app.init();
    await app.startAllMicroservices();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await publisher?.close();
  });

  it('hands each batch to its @EventPattern handler with its topic and partition, and commits after it', async () => {
    await publisher.publish([{ topic: inTopic, key: 'k', value: Buffer.from('one') }]);
    await until('the batch handled', () => seen.some((s) => s.pattern === 'plain' && s.values.includes('one')));
    expect(seen.find((s) => s.values.includes('one'))).toMatchObject({ topic: inTopic, partition: 0 });
    const admin = kafka.admin();
    await admin.connect();
    try {
      let committed = '-1';
      const deadline = Date.now() + 10_000;
      while (committed !== '1' && Date.now() < deadline) {
        committed = (await admin.fetchOffsets({ groupId: plainGroup, topics: [inTopic] }))[0].partitions[0].offset;
        if (committed !== '1') await new Promise((r) => setTimeout(r, 100));
      }
      expect(committed).toBe('1');
    } finally {
      await admin.disconnect();
    }
  }, 30_000);

  it('gives the consumer the handler’s own error, so the batch is read again, not lost', async () => {
    failNext = 1;
    await publisher.publish([{ topic: inTopic, key: 'k', value: Buffer.from('two') }]);
    await until('the failed batch read again and handled', () => seen.some((s) => s.values.includes('two')));
    expect(failNext).toBe(0);
    // Nest's default filter would have replaced it with an opaque "Internal server error".
    expect(thrown).toHaveLength(1);
    expect(thrown[0]).toBeInstanceOf(RetriableTestError);
  }, 60_000);

  it('sends what a transactional handler returns in the transaction that commits its batch', async () => {
    await publisher.publish([{ topic: txTopic, key: 'k', value: Buffer.from('question') }]);
    const replies: string[] = [];
    const consumer = kafka.consumer({ groupId: `nest-read-${randomUUID()}`, readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic: outTopic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void replies.push(message.value?.toString() ?? '') });
    try {
      await until('the reply read committed', () => replies.includes('reply to question'));
    } finally {
      await consumer.disconnect();
    }
    expect(seen.some((s) => s.pattern === 'transactional' && s.values.includes('question'))).toBe(true);
  }, 60_000);
});
