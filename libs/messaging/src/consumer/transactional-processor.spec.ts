import type { EachBatchPayload, Kafka } from 'kafkajs';
import { MessagingError } from '../errors/messaging-error';
import { TransactionalProcessor } from './transactional-processor';

/**
 * A stand-in for kafkajs with what TransactionalProcessor uses: one consumer whose eachBatch the
 * test calls, and transactional producers whose transactions behave like kafkajs's state machine
 * after a failed abort (every later transaction() is refused).
 */
function fakeKafka(script: { failCommits: number; failAborts: number }) {
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const producers: Array<{ id: string; committed: number; stuck: boolean; disconnected: boolean }> = [];
  const kafka = {
    consumer: () => ({
      connect: async () => undefined,
      subscribe: async () => undefined,
      on: () => undefined,
      events: { CRASH: 'consumer.crash' },
      run: async (config: { eachBatch: (payload: EachBatchPayload) => Promise<void> }) => void (eachBatch = config.eachBatch),
      disconnect: async () => undefined,
    }),
    producer: (config: { transactionalId: string }) => {
      const state = { id: config.transactionalId, committed: 0, stuck: false, disconnected: false };
      producers.push(state);
      return {
        connect: async () => undefined,
        disconnect: async () => void (state.disconnected = true),
        transaction: async () => {
          if (state.stuck) throw new Error('Transaction state exception: Cannot call "beginTransaction" in state "ABORTING"');
          return {
            sendBatch: async () => undefined,
            sendOffsets: async () => undefined,
            commit: async () => {
              if (script.failCommits > 0 && script.failCommits--) throw new Error('Connection error: connect ECONNREFUSED');
              state.committed++;
            },
            abort: async () => {
              if (script.failAborts > 0 && script.failAborts--) {
                state.stuck = true;
                throw new Error('Connection error: connect ECONNREFUSED');
              }
            },
          };
        },
      };
    },
  } as unknown as Kafka;
  const batch = (offset: string) =>
    ({
      batch: { topic: 'in', partition: 0, messages: [{ offset, key: null, value: Buffer.from('x'), timestamp: '0' }] },
      resolveOffset: () => undefined,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    }) as unknown as EachBatchPayload;
  return { kafka, producers, deliver: (offset: string) => eachBatch!(batch(offset)) };
}

describe('TransactionalProcessor', () => {
  it('renews a producer whose abort failed, so the batch read again commits instead of the consumer crashing for good', async () => {
    const fake = fakeKafka({ failCommits: 1, failAborts: 1 });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'lookup-a', concurrency: 1 });
    await processor.start(async () => [{ topic: 'out', key: 'k', value: Buffer.from('y') }]);

    // The broker goes away mid-commit, and the abort cannot reach it either.
    const first = await fake.deliver('7').catch((err: unknown) => err);
    expect(first).toBeInstanceOf(MessagingError);
    expect((first as MessagingError).retriable).toBe(true);

    // kafkajs reads the batch again: a new producer with the same id takes over and commits it.
    await fake.deliver('7');
    expect(fake.producers.map((p) => p.id)).toEqual(['lookup-a-0', 'lookup-a-0']);
    expect(fake.producers[0]).toMatchObject({ stuck: true, disconnected: true, committed: 0 });
    expect(fake.producers[1]).toMatchObject({ stuck: false, committed: 1 });
  });

  it('keeps the same producer when the abort succeeded', async () => {
    const fake = fakeKafka({ failCommits: 1, failAborts: 0 });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'lookup-b', concurrency: 1 });
    await processor.start(async () => []);
    await expect(fake.deliver('1')).rejects.toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    await fake.deliver('1');
    expect(fake.producers).toHaveLength(1);
    expect(fake.producers[0].committed).toBe(1);
  });
});
