import { Partitioners, type Kafka } from 'kafkajs';
import { BatchingPublisher } from './batching-publisher';

interface FakeProducer {
  /** Records of each sendBatch call, in order. */
  batches: number[];
  connected: boolean;
  disconnected: boolean;
}

/**
 * A kafkajs stand-in: each producer() call gives a fresh producer. `connectFails(i)` and
 * `sendFails(i)` decide the fate of producer i's calls; `gate`, when set, holds every sendBatch
 * until it resolves, so a test can look while a send is in flight.
 */
function fakeKafka(opts: {
  sendFails?: (index: number, partitions: number[]) => Error | null;
  connectFails?: (index: number) => Error | null;
  /** Leader of each partition of every topic; default one partition led by broker 1. */
  leaders?: number[];
}) {
  const producers: FakeProducer[] = [];
  /** The partitions of each sendBatch call. */
  const calls: number[][] = [];
  let gate: Promise<void> | null = null;
  let inFlight = 0;
  let maxInFlight = 0;
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: topics.map((name) => ({ name, partitions: (opts.leaders ?? [1]).map((leader, partitionId) => ({ partitionId, leader })) })),
      }),
    }),
    producer: () => {
      const index = producers.length;
      const state: FakeProducer = { batches: [], connected: false, disconnected: false };
      producers.push(state);
      return {
        connect: async () => {
          const err = opts.connectFails?.(index);
          if (err) throw err;
          state.connected = true;
        },
        disconnect: async () => void (state.disconnected = true),
        sendBatch: async ({ topicMessages }: { topicMessages: Array<{ messages: Array<{ partition?: number }> }> }) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          const partitions = [...new Set(topicMessages.flatMap((t) => t.messages.map((m) => m.partition ?? -1)))].sort();
          calls.push(partitions);
          try {
            if (gate) await gate;
            const err = opts.sendFails?.(index, partitions);
            if (err) throw err;
            state.batches.push(topicMessages.reduce((n, t) => n + t.messages.length, 0));
            return [];
          } finally {
            inFlight--;
          }
        },
      };
    },
  } as unknown as Kafka;
  return {
    kafka,
    producers,
    calls,
    maxInFlight: () => maxInFlight,
    hold: () => {
      let open: () => void = () => undefined;
      gate = new Promise<void>((r) => (open = r));
      return () => {
        gate = null;
        open();
      };
    },
  };
}

const record = { topic: 'sms.mo.v2', key: 'k', value: Buffer.from('{}') };
const refused = () => Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { type: undefined });

describe('BatchingPublisher', () => {
  it('replaces its producer after a send the broker refused, and publishes through the new one', async () => {
    const outOfOrder = Object.assign(new Error('The broker received an out of order sequence number'), { type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    const { kafka, producers } = fakeKafka({ sendFails: (i) => (i === 0 ? outOfOrder : null) });
    const publisher = new BatchingPublisher(kafka, { lingerMs: 0 });
    await publisher.connect();
    await expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_FAILED', retriable: true });
    await publisher.publish([record]);
    expect(producers).toHaveLength(2);
    expect(producers[0].disconnected).toBe(true);
    expect(producers[1].batches).toEqual([1]);
  });

  it('replaces its producer after any failed send, also a broker that was down: kafkajs may have moved its sequence numbers back for records the broker wrote', async () => {
    let down = true;
    const { kafka, producers } = fakeKafka({ sendFails: () => (down ? refused() : null) });
    const publisher = new BatchingPublisher(kafka, { lingerMs: 0 });
    await publisher.connect();
    await expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    down = false;
    await publisher.publish([record]);
    expect(producers).toHaveLength(2);
    expect(producers[0].batches).toEqual([]);
    expect(producers[1].batches).toEqual([1]);
  });

  it('refuses the batch when the new producer cannot connect, and tries a new one again before the next send', async () => {
    let brokerUp = false;
    const { kafka, producers } = fakeKafka({
      sendFails: (i) => (i === 0 ? refused() : null),
      connectFails: (i) => (i > 0 && !brokerUp ? refused() : null),
    });
    const publisher = new BatchingPublisher(kafka, { lingerMs: 0 });
    await publisher.connect();
    await expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    await expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_FAILED', retriable: true });
    brokerUp = true;
    await publisher.publish([record]);
    expect(producers).toHaveLength(3);
    expect(producers[0].batches).toEqual([]);
    expect(producers[2].batches).toEqual([1]);
  });

  it('has one send in flight at a time; records published meanwhile go out together when it finishes', async () => {
    const fake = fakeKafka({});
    const publisher = new BatchingPublisher(fake.kafka, { lingerMs: 0 });
    await publisher.connect();
    const release = fake.hold();
    const first = publisher.publish([record]);
    // The first batch is in sendBatch once the linger timer fired and the send started.
    await new Promise((r) => setTimeout(r, 5));
    const later = [publisher.publish([record]), publisher.publish([record, record])];
    await new Promise((r) => setTimeout(r, 5));
    release();
    await Promise.all([first, ...later]);
    expect(fake.maxInFlight()).toBe(1);
    expect(fake.producers[0].batches).toEqual([1, 3]);
  });

  it('does not send records whose caller already got PUBLISH_TIMEOUT (its SMSC was told to re-deliver)', async () => {
    const fake = fakeKafka({});
    const publisher = new BatchingPublisher(fake.kafka, { lingerMs: 0, publishTimeoutMs: 20 });
    await publisher.connect();
    const release = fake.hold();
    const first = expect(publisher.publish([record])).rejects.toMatchObject({ code: 'PUBLISH_TIMEOUT' });
    await new Promise((r) => setTimeout(r, 5));
    const timedOut = publisher.publish([record, record]);
    await expect(timedOut).rejects.toMatchObject({ code: 'PUBLISH_TIMEOUT', retriable: true });
    await first;
    release();
    await publisher.close();
    // The first batch was already in flight when its caller timed out; the second never left.
    expect(fake.producers[0].batches).toEqual([1]);
  });

  it('sends to each leading broker its own request, side by side, and refuses only the callers whose broker failed', async () => {
    // Four partitions, led by brokers 1, 2, 1, 2; broker 2's request fails.
    const leaders = [1, 2, 1, 2];
    const { kafka, calls } = fakeKafka({ leaders, sendFails: (_, partitions) => (partitions.some((p) => leaders[p] === 2) ? refused() : null) });
    const publisher = new BatchingPublisher(kafka, { lingerMs: 5 });
    await publisher.connect();
    const keys = Array.from({ length: 12 }, (_, i) => `citizen-${i}`);
    const outcomes = await Promise.all(
      keys.map((key) =>
        publisher.publish([{ ...record, key }]).then(
          () => 'acked',
          () => 'refused',
        ),
      ),
    );
    // One request per broker, each with only its own partitions.
    expect(calls).toHaveLength(2);
    expect(calls.map((partitions) => new Set(partitions.map((p) => leaders[p])).size)).toEqual([1, 1]);
    // A caller is answered by the fate of its own broker's request.
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = leaders.map((leader, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [], isr: [] }));
    const expected = keys.map((key) =>
      leaders[partitionOf({ topic: record.topic, partitionMetadata, message: { key, value: record.value } })] === 2 ? 'refused' : 'acked',
    );
    expect(outcomes).toEqual(expected);
    expect(new Set(outcomes)).toEqual(new Set(['acked', 'refused']));
    await publisher.close();
  });
});
