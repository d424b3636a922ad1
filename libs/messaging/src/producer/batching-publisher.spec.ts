import type { Kafka } from 'kafkajs';
import { BatchingPublisher } from './batching-publisher';

/** A kafkajs stand-in: each producer() call gives a fresh producer that fails while `failing` says so. */
function fakeKafka(failing: (index: number) => Error | null) {
  const producers: Array<{ sent: number; connected: boolean; disconnected: boolean }> = [];
  const kafka = {
    producer: () => {
      const index = producers.length;
      const state = { sent: 0, connected: false, disconnected: false };
      producers.push(state);
      return {
        connect: async () => void (state.connected = true),
        disconnect: async () => void (state.disconnected = true),
        sendBatch: async () => {
          const err = failing(index);
          if (err) throw err;
          state.sent++;
          return [];
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

const record = { topic: 'sms.mo.v2', key: 'k', value: Buffer.from('{}') };

/** Lets queued promise callbacks run; the renewal is a chain of already-resolved promises. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('BatchingPublisher', () => {
  it('replaces its producer when the broker stops accepting its sequence numbers, and publishes through the new one', async () => {
    const outOfOrder = Object.assign(new Error('The broker received an out of order sequence number'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    const { kafka, producers } = fakeKafka((i) => (i === 0 ? outOfOrder : null));
    const publisher = new BatchingPublisher(kafka, { lingerMs: 0 });
    await publisher.connect();
    await expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_FAILED', retriable: true });
    await settle();
    expect(producers).toHaveLength(2);
    expect(producers[1].connected).toBe(true);
    expect(producers[0].disconnected).toBe(true);
    await publisher.publish([record]);
    expect(producers[1].sent).toBe(1);
  });

  it('keeps its producer through an ordinary failure such as a broker that is down', async () => {
    let down = true;
    const { kafka, producers } = fakeKafka(() => (down ? Object.assign(new Error('Connection error: ECONNREFUSED'), { type: undefined }) : null));
    const publisher = new BatchingPublisher(kafka, { lingerMs: 0 });
    await publisher.connect();
    await expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    await settle();
    down = false;
    await publisher.publish([record]);
    expect(producers).toHaveLength(1);
    expect(producers[0].sent).toBe(1);
  });

  it('finds the fatal error inside the retries kafkajs wraps it in', async () => {
    const wrapped = Object.assign(new Error('Number of retries exceeded'), { cause: Object.assign(new Error('x'), { type: 'UNKNOWN_PRODUCER_ID' }) });
    const { kafka, producers } = fakeKafka((i) => (i === 0 ? wrapped : null));
    const publisher = new BatchingPublisher(kafka, { lingerMs: 0 });
    await publisher.connect();
    await expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    await settle();
    expect(producers).toHaveLength(2);
  });
});
