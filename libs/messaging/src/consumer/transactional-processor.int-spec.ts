import { randomUUID } from 'node:crypto';
import type { Kafka, ProducerConfig, Transaction } from 'kafkajs';
import { createKafka } from '../client/kafka-client';
import { BatchingPublisher } from '../producer/batching-publisher';
import { BatchConsumer } from './batch-consumer';
import { TransactionalProcessor, type TransactionOutcome } from './transactional-processor';
import { freshTopic, markEnd, readTopic, readUntilEnd, testKafka } from '../testing';

/**
 * The real client, except that the transactions numbered in `dying` (1-based, over every producer
 * it makes) behave like a process that froze after writing its output and offsets: the commit
 * never reaches the broker and neither does the abort. The transaction stays open on the broker
 * until a producer with the same transactional id fences it.
 */
/**
 * What exactly-once means for a run of `total` inputs echoed as `out-<i>`: a read-committed reader
 * sees every output once, and the group's committed offsets add up to the input.
 */
async function expectEachOutputOnce(kafka: Kafka, run: { input: string; output: string; partitions: number; groupId: string; total: number }): Promise<void> {
  const values = await readUntilEnd(kafka, run.output, run.partitions, false);
  expect(values.length).toBe(run.total);
  expect(new Set(values)).toEqual(new Set(Array.from({ length: run.total }, (_, i) => `out-${i}`)));
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: run.groupId, topics: [run.input] });
  await admin.disconnect();
  expect(offsets[0].partitions.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(run.total);
}

function killingTransactions(kafka: Kafka, dying: number[]): Kafka {
  let n = 0;
  const wrapped = Object.create(kafka) as Kafka;
  wrapped.producer = (config?: ProducerConfig) => {
    const real = kafka.producer(config);
    const producer = Object.create(real) as typeof real;
    producer.transaction = async () => {
      const tx = await real.transaction();
      if (!dying.includes(++n)) return tx;
      const dead: Transaction = {
        ...tx,
        commit: async () => {
          throw new Error('injected: the process died before its commit');
        },
        abort: async () => {
          throw new Error('injected: the abort never reached the broker');
        },
      };
      return dead;
    };
    return producer;
  };
  return wrapped;
}

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
      await Promise.all(Array.from({ length: 50 }, (_, i) => publisher.publish([{ topic, key: `k${i % 7}`, value: Buffer.from(`m${i}`) }])));
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
      return { records: batch.records.map((r) => ({ topic: output, key: r.key!.toString(), value: Buffer.from(`out-${r.value!.toString()}`) })) };
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
      const out = batch.records.map((r) => ({
        topic: output,
        key: 'one-key',
        value: Buffer.concat([Buffer.from(`${r.value!.toString()}:`), Buffer.alloc(64 * 1024, 120)]),
      }));
      processed += batch.records.length;
      if (processed >= 40) resolveDone();
      return { records: out };
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

  it('commits the output of many batches across partitions in fewer transactions than batches, each output once', async () => {
    const input = await freshTopic('gc-in', 12);
    const output = await freshTopic('gc-out', 6);
    const groupId = `gc-${randomUUID()}`;
    const total = 3000;
    const publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    // In 30 waves: many small record batches in each partition, which small fetches take a few at
    // a time. (A fetch returns whole record batches, and a partition whose next one is over its
    // byte bound is left out of the fetch unless it comes first.)
    for (let wave = 0; wave < 30; wave++) {
      await publisher.publish(
        Array.from({ length: 100 }, (_, j) => wave * 100 + j).map((i) => ({ topic: input, key: `k${i}`, value: Buffer.from(String(i)) })),
      );
    }
    await publisher.close();

    const outcomes: TransactionOutcome[] = [];
    let batches = 0;
    let committed = 0;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    const processor = new TransactionalProcessor(kafka, {
      groupId,
      topic: input,
      transactionalIdPrefix: `gc-${randomUUID()}`,
      concurrency: 12,
      // Small fetches: many batches per partition, so that many of them meet in a transaction.
      maxBytesPerPartition: 1024,
      onTransaction: (t) => {
        outcomes.push(t);
        if (t.committed && (committed += t.records) >= total) resolveDone();
      },
    });
    await processor.start(async (batch) => {
      batches++;
      return { records: batch.records.map((r) => ({ topic: output, key: String(r.key), value: Buffer.from(`out-${String(r.value)}`) })) };
    });
    await done;
    await processor.stop();

    const transactions = outcomes.filter((t) => t.committed).length;
    const ms = outcomes.map((t) => t.durationMs).sort((a, b) => a - b);
    process.stdout.write(
      `group commit: ${batches} batches in ${transactions} transactions (${(batches / transactions).toFixed(1)} batches a transaction, at most ${Math.max(...outcomes.map((t) => t.batches))}); ` +
        `a transaction took ${ms[Math.floor(ms.length / 2)]} ms (median), ${ms[ms.length - 1]} ms at most\n`,
    );
    expect(outcomes.every((t) => t.committed)).toBe(true);
    expect(transactions).toBeLessThan(batches);

    await markEnd(kafka, output, 6);
    await expectEachOutputOnce(kafka, { input, output, partitions: 6, groupId, total });
  });

  it('hides the output of group transactions that died before their commit, and the batches read again produce each output once', async () => {
    const input = await freshTopic('gc-crash-in', 12);
    const output = await freshTopic('gc-crash-out', 4);
    const groupId = `gc-crash-${randomUUID()}`;
    const total = 1200;
    const publisher = new BatchingPublisher(kafka);
    await publisher.connect();
    await publisher.publish(Array.from({ length: total }, (_, i) => ({ topic: input, key: `k${i}`, value: Buffer.from(String(i)) })));
    await publisher.close();

    const outcomes: TransactionOutcome[] = [];
    let committed = 0;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    // The 2nd and 3rd transactions, which carry the batches that finished during the 1st, die
    // after writing their output and offsets: the producer is renewed under the same id, which
    // fences them, and the broker aborts them.
    const processor = new TransactionalProcessor(killingTransactions(kafka, [2, 3]), {
      groupId,
      topic: input,
      transactionalIdPrefix: `gc-crash-${randomUUID()}`,
      concurrency: 12,
      maxBytesPerPartition: 4096,
      // No wait for the rest of a fetch: a transaction begins as soon as a batch is ready, so
      // batches keep finishing while it is in flight and the 2nd and 3rd transactions exist.
      maxCommitLingerMs: 0,
      onTransaction: (t) => {
        outcomes.push(t);
        if (t.committed && (committed += t.records) >= total) resolveDone();
      },
    });
    await processor.start(async (batch) => ({
      records: batch.records.map((r) => ({ topic: output, key: String(r.key), value: Buffer.from(`out-${String(r.value)}`) })),
    }));
    await done;
    await processor.stop();

    const died = outcomes.filter((t) => !t.committed);
    expect(died).toHaveLength(2);
    const lost = died.reduce((n, t) => n + t.records, 0);
    process.stdout.write(`group commit: ${died.map((t) => t.batches).join(' + ')} batches (${lost} records) in the transactions that died, read again\n`);

    await markEnd(kafka, output, 4);
    // What was written: every output once, plus the dead transactions' output, still in the log...
    expect((await readUntilEnd(kafka, output, 4, true)).length).toBe(total + lost);
    // ...and what a read-committed reader sees: every output exactly once.
    await expectEachOutputOnce(kafka, { input, output, partitions: 4, groupId, total });
  });

  it('fails a publish with a retriable error when no broker answers in time', async () => {
    const publisher = new BatchingPublisher(createKafka({ brokers: ['127.0.0.1:1'], connectionTimeoutMs: 200 }), { publishTimeoutMs: 500 });
    await expect(publisher.publish([{ topic: 'nowhere', key: null, value: Buffer.from('x') }])).rejects.toMatchObject({ retriable: true });
    await publisher.close().catch(() => undefined);
  });
});
