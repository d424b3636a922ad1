import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { BatchingPublisher } from '../producer/batching-publisher';
import { freshTopic, testKafka } from '../testing';
import { BatchConsumer } from './batch-consumer';

/** The broker's smallest allowed session (group.min.session.timeout.ms). */
const SESSION_MS = 6000;

describe('BatchConsumer against the real broker', () => {
  it('keeps its partitions through a batch handled for longer than the session, commits it once and reads on', async () => {
    const kafka = testKafka('slow-batch');
    const topic = await freshTopic('slow-batch', 1);
    const groupId = `slow-${randomUUID()}`;
    const publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    const seen: string[] = [];
    let slowStarted: () => void = () => undefined;
    const inSlowBatch = new Promise<void>((r) => (slowStarted = r));
    let secondArrived: () => void = () => undefined;
    const second = new Promise<'read'>((r) => (secondArrived = () => r('read')));
    const consumer = new BatchConsumer(kafka, { groupId, topics: [topic], sessionTimeoutMs: SESSION_MS });
    let outcome: 'read' | 'not read' = 'not read';
    try {
      await publisher.publish([{ topic, key: 'k', value: Buffer.from('first') }]);
      await consumer.start(async (batch) => {
        for (const r of batch.records) seen.push(r.value!.toString());
        if (seen.includes('second')) secondArrived();
        if (seen.length === 1) {
          slowStarted();
          // The slow handler is what is tested: egress retrying a throttling SMSC holds its batch this long.
          await delay(SESSION_MS * 1.5);
        }
      });
      await inSlowBatch;
      await publisher.publish([{ topic, key: 'k', value: Buffer.from('second') }]);
      // Without heartbeats during the batch the member was evicted, its commit refused, and the
      // consumer crashed for good: 'second' was never read.
      const deadline = new AbortController();
      outcome = await Promise.race([second, delay(30_000, 'not read' as const, { signal: deadline.signal })]);
      deadline.abort();
    } finally {
      await consumer.stop();
      await publisher.close();
    }
    expect(outcome).toBe('read');
    expect(seen).toEqual(['first', 'second']);
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    expect(offsets[0].partitions[0].offset).toBe('2');
  }, 60_000);
});
