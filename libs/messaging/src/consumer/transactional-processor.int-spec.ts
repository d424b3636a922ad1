import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../client/kafka-client';
import { BatchingPublisher } from '../producer/batching-publisher';
import { BatchConsumer } from './batch-consumer';
import { TransactionalProcessor } from './transactional-processor';
import { freshTopic, readTopic, testKafka } from '../testing';

describe('Kafka messaging against the real broker', () => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = testKafka();
  });

  it('acknowledges a publish only once the records are readable by a consumer group', async () => {
    const topic = await freshTopic('publish');
    const publisher = new BatchingPublisher(kafka, { lingerMs: 5 });
    await publisher.connect();
    try {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => publisher.publish([{ topic, key: `k${i % 7}`, value: Buffer.from(`m${i}`) }])),
      );
    } finally {
      await publisher.close();
    }
    const records = await readTopic(kafka, topic, 50);
    expect(new Set(records.map((r) => r.value))).toEqual(new Set(Array.from({ length: 50 }, (_, i) => `m${i}`)));
  });

  it('keeps records with the same key on the same partition', async () => {
    const topic = await freshTopic('keys', 6);
    const publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    await publisher.publish(Array.from({ length: 20 }, (_, i) => ({ topic, key: 'same-citizen', value: Buffer.from(String(i)) })));
    await publisher.close();
    const records = await readTopic(kafka, topic, 20);
    expect(new Set(records.map((r) => r.partition)).size).toBe(1);
  });

  it('shares partitions between two members of a consumer group and commits after the handler', async () => {
    const topic = await freshTopic('group', 4);
    const groupId = `group-${randomUUID()}`;
    const publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    await publisher.publish(Array.from({ length: 200 }, (_, i) => ({ topic, key: `k${i}`, value: Buffer.from(String(i)) })));
    await publisher.close();

    const seen = new Map<string, number>();
    const byMember: Array<Set<number>> = [new Set(), new Set()];
    let resolveAll: () => void = () => undefined;
    const allSeen = new Promise<void>((r) => (resolveAll = r));
    const members = [0, 1].map((i) => new BatchConsumer(testKafka(`member-${i}`), { groupId, topics: [topic] }));
    await Promise.all(
      members.map((member, i) =>
        member.start(async (batch) => {
          byMember[i].add(batch.partition);
          for (const r of batch.records) seen.set(r.value!.toString(), (seen.get(r.value!.toString()) ?? 0) + 1);
          if (seen.size === 200) resolveAll();
        }),
      ),
    );
    await allSeen;
    await Promise.all(members.map((m) => m.stop()));
    expect(seen.size).toBe(200);

    // A new member of the same group starts after the committed offsets: nothing is re-read.
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const committed = offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0);
    expect(committed).toBe(200);
  });

  it('publishes output and commits the input offset in one transaction', async () => {
    const input = await freshTopic('tx-in', 3);
    const output = await freshTopic('tx-out', 3);
    const groupId = `tx-${randomUUID()}`;
    const publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    await publisher.publish(Array.from({ length: 30 }, (_, i) => ({ topic: input, key: `k${i}`, value: Buffer.from(String(i)) })));
    await publisher.close();

    let processed = 0;
    let failOnce = true;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const processor = new TransactionalProcessor(kafka, { groupId, topic: input, transactionalIdPrefix: `tx-${randomUUID()}`, concurrency: 2 });
    await processor.start(async (batch) => {
      // The first batch fails after producing nothing visible: it must be re-read, not lost.
      if (failOnce) {
        failOnce = false;
        throw new Error('injected failure');
      }
      processed += batch.records.length;
      if (processed >= 30) resolveDone();
      return batch.records.map((r) => ({ topic: output, key: r.key!.toString(), value: Buffer.from(`out-${r.value!.toString()}`) }));
    });
    await done;
    await processor.stop();

    const records = await readTopic(kafka, output, 30);
    expect(records.map((r) => r.value).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `out-${i}`).sort());
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    await admin.disconnect();
    expect(offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(30);
  });

  it('commits a batch whose output, all on one partition, is larger than the broker accepts in one record batch', async () => {
    const input = await freshTopic('tx-big-in', 1);
    const output = await freshTopic('tx-big-out', 1);
    const groupId = `tx-big-${randomUUID()}`;
    const publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    await publisher.publish(Array.from({ length: 40 }, (_, i) => ({ topic: input, key: 'one-key', value: Buffer.from(String(i)) })));
    await publisher.close();

    let processed = 0;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const processor = new TransactionalProcessor(kafka, { groupId, topic: input, transactionalIdPrefix: `tx-big-${randomUUID()}`, concurrency: 1 });
    // 40 outputs of 64 KiB under one key: 2.5 MiB for one partition, over the 1 MiB message.max.bytes.
    await processor.start(async (batch) => {
      const out = batch.records.map((r) => ({ topic: output, key: 'one-key', value: Buffer.concat([Buffer.from(`${r.value!.toString()}:`), Buffer.alloc(64 * 1024, 120)]) }));
      processed += batch.records.length;
      if (processed >= 40) resolveDone();
      return out;
    });
    await done;
    await processor.stop();

    const records = await readTopic(kafka, output, 40);
    expect(records.map((r) => Number(r.value.split(':')[0]))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [input] });
    await admin.disconnect();
    expect(Number(offsets[0].partitions[0].offset)).toBe(40);
  });

  it('fails a publish with a retriable error when no broker answers in time', async () => {
    const publisher = new BatchingPublisher(createKafka({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 200 }), { publishTimeoutMs: 500 });
    await expect(publisher.publish([{ topic: 'nowhere', key: null, value: Buffer.from('x') }])).rejects.toMatchObject({ retriable: true });
    await publisher.close().catch(() => undefined);
  });
});
