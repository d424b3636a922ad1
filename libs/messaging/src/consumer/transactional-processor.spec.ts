import { Partitioners, type EachBatchPayload, type Kafka, type TopicMessages } from 'kafkajs';
import { MessagingError } from '../errors/messaging-error';
import { TransactionalProcessor, offsetsOf, type TransactionOutcome } from './transactional-processor';

interface FakeTransaction {
  producer: string;
  sent: TopicMessages[][];
  offsets: Array<Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>>;
  state: 'open' | 'committed' | 'aborted';
}

/**
 * A stand-in for kafkajs with what TransactionalProcessor uses: one consumer whose eachBatch the
 * test calls, and transactional producers whose transactions behave like kafkajs's state machine
 * after a failed abort (every later transaction() is refused). Commits can be held, to keep a
 * transaction in flight while more batches finish.
 */
function fakeKafka(
  script: {
    failCommits?: number;
    failAborts?: number;
    failCommitNumbers?: number[];
    /** Leader of each partition of every topic, by partition; default one partition led by broker 1. */
    leaders?: number[];
    /** The brokers whose produce requests answer during each sendBatch, by call (1-based); default one per call. */
    produceRequests?: (call: number) => string[];
  } = {},
) {
  let failCommits = script.failCommits ?? 0;
  let commits = 0;
  let failAborts = script.failAborts ?? 0;
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const producers: Array<{ id: string; committed: number; stuck: boolean; disconnected: boolean }> = [];
  const transactions: FakeTransaction[] = [];
  const resolved: Array<{ partition: number; offset: string }> = [];
  let holding = false;
  const held: Array<() => void> = [];
  const commitWaiters: Array<() => void> = [];
  let sendCalls = 0;
  const leaders = script.leaders ?? [1];
  const metadataRequests: string[][] = [];
  const kafka = {
    admin: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
        metadataRequests.push(topics);
        return { topics: topics.map((name) => ({ name, partitions: leaders.map((leader, partitionId) => ({ partitionId, leader })) })) };
      },
    }),
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
      const listeners: Array<(e: { payload: { apiName: string; broker: string } }) => void> = [];
      return {
        events: { REQUEST: 'producer.network.request' },
        on: (_event: string, listener: (typeof listeners)[number]) => void listeners.push(listener),
        connect: async () => undefined,
        disconnect: async () => void (state.disconnected = true),
        transaction: async () => {
          if (state.stuck) throw new Error('Transaction state exception: Cannot call "beginTransaction" in state "ABORTING"');
          const tx: FakeTransaction = { producer: state.id, sent: [], offsets: [], state: 'open' };
          transactions.push(tx);
          return {
            sendBatch: async ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
              const call = ++sendCalls;
              for (const broker of script.produceRequests?.(call) ?? ['b1:9092']) listeners.forEach((l) => l({ payload: { apiName: 'Produce', broker } }));
              tx.sent.push(topicMessages);
            },
            sendOffsets: async ({ topics }: { topics: FakeTransaction['offsets'][number] }) => void tx.offsets.push(topics),
            commit: async () => {
              commitWaiters.splice(0).forEach((w) => w());
              if (holding) await new Promise<void>((r) => held.push(r));
              commits++;
              if (script.failCommitNumbers?.includes(commits)) throw new Error('Connection error: connect ECONNREFUSED');
              if (failCommits > 0 && failCommits--) throw new Error('Connection error: connect ECONNREFUSED');
              tx.state = 'committed';
              state.committed++;
            },
            abort: async () => {
              if (failAborts > 0 && failAborts--) {
                state.stuck = true;
                throw new Error('Connection error: connect ECONNREFUSED');
              }
              tx.state = 'aborted';
            },
          };
        },
      };
    },
  } as unknown as Kafka;
  const payload = (partition: number, offsets: string[], stale = () => false) =>
    ({
      batch: {
        topic: 'in',
        partition,
        messages: offsets.map((offset) => ({ offset, key: null, value: Buffer.from(`${partition}:${offset}`), timestamp: '0' })),
      },
      resolveOffset: (offset: string) => void resolved.push({ partition, offset }),
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: stale,
    }) as unknown as EachBatchPayload;
  const started = () => {
    if (!eachBatch) throw new Error('the processor has not started its consumer');
    return eachBatch;
  };
  return {
    kafka,
    producers,
    transactions,
    resolved,
    metadataRequests,
    deliver: (offset: string, partition = 0) => started()(payload(partition, [offset])),
    deliverBatch: (partition: number, offsets: string[], stale?: () => boolean) => started()(payload(partition, offsets, stale)),
    /** Commits from now on wait for release(). */
    hold: () => void (holding = true),
    release: () => {
      holding = false;
      held.splice(0).forEach((r) => r());
    },
    /** Resolves when the next commit is called, i.e. a transaction is in flight. */
    nextCommit: () => new Promise<void>((r) => commitWaiters.push(r)),
  };
}

/**
 * Runs every promise continuation already queued. The fakes do no I/O, so once this returns each
 * delivered batch has been processed and is waiting for its transaction: a flush, not a wait.
 */
const settle = () => new Promise<void>((r) => setImmediate(r));

const repliesTo = (batch: { records: Array<{ value: Buffer | null }> }) =>
  batch.records.map((r) => ({ topic: 'out', key: 'k', value: r.value ?? Buffer.alloc(0) }));
const echo = async (batch: { records: Array<{ value: Buffer | null }> }) => ({ records: repliesTo(batch) });
const outputsOf = (tx: FakeTransaction) => tx.sent.flatMap((chunk) => chunk.flatMap((t) => t.messages.map((m) => String(m.value))));

describe('TransactionalProcessor', () => {
  it('renews a producer whose abort failed, so the batch read again commits instead of the consumer crashing for good', async () => {
    const fake = fakeKafka({ failCommits: 1, failAborts: 1 });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'lookup-a', concurrency: 1 });
    await processor.start(async () => ({ records: [{ topic: 'out', key: 'k', value: Buffer.from('y') }] }));

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

  it('renews the producer after any failed transaction, even one whose abort succeeded, so no sequence number is reused', async () => {
    const fake = fakeKafka({ failCommits: 1 });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'lookup-b', concurrency: 1 });
    await processor.start(async () => ({ records: [] }));
    await expect(fake.deliver('1')).rejects.toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    expect(fake.transactions.map((t) => t.state)).toEqual(['aborted']);
    await fake.deliver('1');
    expect(fake.producers.map((p) => [p.id, p.disconnected, p.committed])).toEqual([
      ['lookup-b-0', true, 0],
      ['lookup-b-0', false, 1],
    ]);
  });

  it('uses one transactional producer per replica, whatever the concurrency', async () => {
    const fake = fakeKafka();
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'lookup-c', concurrency: 12 });
    await processor.start(echo);
    await Promise.all([fake.deliver('1', 0), fake.deliver('1', 1), fake.deliver('1', 2)]);
    expect(fake.producers.map((p) => p.id)).toEqual(['lookup-c-0']);
  });

  /** A processor whose partition 1 finishes (or fails) only when the test says; other partitions at once. */
  async function withSlowPartition(maxCommitLingerMs: number) {
    const fake = fakeKafka();
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 4, maxCommitLingerMs });
    let finish!: () => void;
    let fail!: (err: Error) => void;
    const slowDone = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    await processor.start(async (batch) => {
      if (batch.partition === 1) await slowDone;
      return echo(batch);
    });
    return { fake, finish, fail };
  }

  it('waits for a batch still being processed beside a finished one, so both go in one transaction', async () => {
    const { fake, finish } = await withSlowPartition(60_000);
    const fast = fake.deliver('1', 0);
    const slow = fake.deliver('1', 1);
    await settle();
    // The fast batch is ready, but its partner of the same fetch is not: no transaction yet.
    expect(fake.transactions).toHaveLength(0);
    finish();
    await Promise.all([fast, slow]);
    expect(fake.transactions).toHaveLength(1);
    expect(outputsOf(fake.transactions[0]).sort()).toEqual(['0:1', '1:1']);
  });

  it('does not hold a finished batch longer than maxCommitLingerMs for a slow one', async () => {
    const { fake, finish } = await withSlowPartition(1);
    const slow = fake.deliver('1', 1);
    await fake.deliver('1', 0);
    expect(fake.transactions.map(outputsOf)).toEqual([['0:1']]);
    finish();
    await slow;
    expect(fake.transactions.map(outputsOf)).toEqual([['0:1'], ['1:1']]);
  });

  it('lets a waiting batch commit when the batch it waited for fails before its transaction', async () => {
    const { fake, fail } = await withSlowPartition(60_000);
    const fast = fake.deliver('1', 0);
    const slow = fake.deliver('1', 1);
    await settle();
    fail(new Error('roll unavailable'));
    await expect(slow).rejects.toThrow('roll unavailable');
    await fast;
    expect(fake.transactions.map(outputsOf)).toEqual([['0:1']]);
  });

  it('commits the batches that finish while a transaction is in flight together, in the next transaction, with one sendOffsets', async () => {
    const fake = fakeKafka();
    const outcomes: TransactionOutcome[] = [];
    const processor = new TransactionalProcessor(fake.kafka, {
      groupId: 'g',
      topic: 'in',
      transactionalIdPrefix: 'p',
      concurrency: 4,
      onTransaction: (t) => outcomes.push(t),
    });
    await processor.start(echo);

    fake.hold();
    const inFlight = fake.nextCommit();
    const first = fake.deliverBatch(0, ['10', '11']);
    await inFlight;
    const later = [fake.deliverBatch(1, ['5']), fake.deliverBatch(2, ['7', '8', '9']), fake.deliverBatch(3, ['0'])];
    await settle();
    // Nothing of the later batches has gone anywhere while the first transaction is open.
    expect(fake.transactions).toHaveLength(1);
    fake.release();
    await Promise.all([first, ...later]);

    expect(fake.transactions).toHaveLength(2);
    const [t1, t2] = fake.transactions;
    expect(outputsOf(t1)).toEqual(['0:10', '0:11']);
    expect(t1.offsets).toEqual([[{ topic: 'in', partitions: [{ partition: 0, offset: '12' }] }]]);
    expect(outputsOf(t2)).toEqual(['1:5', '2:7', '2:8', '2:9', '3:0']);
    expect(t2.offsets).toEqual([
      [
        {
          topic: 'in',
          partitions: [
            { partition: 1, offset: '6' },
            { partition: 2, offset: '10' },
            { partition: 3, offset: '1' },
          ],
        },
      ],
    ]);
    expect(t2.state).toBe('committed');
    expect(fake.resolved).toEqual(
      expect.arrayContaining([
        { partition: 0, offset: '11' },
        { partition: 1, offset: '5' },
        { partition: 2, offset: '9' },
        { partition: 3, offset: '0' },
      ]),
    );
    expect(outcomes.map((o) => [o.committed, o.batches, o.records])).toEqual([
      [true, 1, 2],
      [true, 3, 5],
    ]);
  });

  it('sends a batch’s output while its before-commit work runs, and commits its offset only once that work is done', async () => {
    const fake = fakeKafka();
    let finish: () => void = () => undefined;
    const work = new Promise<void>((r) => (finish = r));
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 1 });
    await processor.start(async (batch) => ({ records: repliesTo(batch), beforeCommit: work }));

    const delivered = fake.deliverBatch(0, ['4']);
    await settle();
    const [tx] = fake.transactions;
    expect(outputsOf(tx)).toEqual(['0:4']);
    expect(tx.offsets).toEqual([]);
    expect(tx.state).toBe('open');
    expect(fake.resolved).toEqual([]);

    finish();
    await delivered;
    expect(tx.offsets).toEqual([[{ topic: 'in', partitions: [{ partition: 0, offset: '5' }] }]]);
    expect(tx.state).toBe('committed');
    expect(fake.resolved).toEqual([{ partition: 0, offset: '4' }]);
  });

  it('aborts the transaction and fails the batch when its before-commit work fails, so the batch is read again', async () => {
    const fake = fakeKafka();
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 1 });
    await processor.start(async (batch) => ({ records: repliesTo(batch), beforeCommit: Promise.reject(new Error('audit database down')) }));

    await expect(fake.deliverBatch(0, ['4'])).rejects.toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    expect(fake.transactions.map((t) => [t.state, t.offsets.length])).toEqual([['aborted', 0]]);
    expect(fake.resolved).toEqual([]);
  });

  it('fails every batch of a failed transaction, and resolves none of their offsets', async () => {
    // The first transaction commits; the second, carrying partitions 1 and 2, fails at its commit.
    const fake = fakeKafka({ failCommitNumbers: [2] });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 4 });
    await processor.start(echo);

    fake.hold();
    const inFlight = fake.nextCommit();
    const first = fake.deliverBatch(0, ['3']);
    await inFlight;
    const grouped = [fake.deliverBatch(1, ['4']), fake.deliverBatch(2, ['5'])].map((p) => p.catch((err: unknown) => err));
    await settle();
    fake.release();
    await first;
    const errors = await Promise.all(grouped);

    for (const err of errors) expect(err).toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    expect(fake.transactions.map((t) => t.state)).toEqual(['committed', 'aborted']);
    expect(outputsOf(fake.transactions[1])).toEqual(['1:4', '2:5']);
    expect(fake.resolved).toEqual([{ partition: 0, offset: '3' }]);
  });

  it('commits offsets in order per partition across transactions, and the highest when one transaction carries two batches of a partition', async () => {
    const fake = fakeKafka();
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 4 });
    await processor.start(echo);
    await fake.deliverBatch(0, ['0', '1', '2']);
    await fake.deliverBatch(0, ['3', '4']);
    expect(fake.transactions.flatMap((t) => t.offsets.map((o) => o[0].partitions))).toEqual([[{ partition: 0, offset: '3' }], [{ partition: 0, offset: '5' }]]);

    expect(
      offsetsOf([
        { topic: 'in', partition: 0, lastOffset: '9' },
        { topic: 'in', partition: 1, lastOffset: '4' },
        { topic: 'in', partition: 0, lastOffset: '19' },
        { topic: 'other', partition: 0, lastOffset: '1' },
      ]),
    ).toEqual([
      {
        topic: 'in',
        partitions: [
          { partition: 0, offset: '20' },
          { partition: 1, offset: '5' },
        ],
      },
      { topic: 'other', partitions: [{ partition: 0, offset: '2' }] },
    ]);
  });

  it('fails a waiting later batch of a partition whose earlier batch failed, so its offset cannot skip the failed records', async () => {
    const fake = fakeKafka({ failCommits: 1 });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 4 });
    await processor.start(echo);
    fake.hold();
    const inFlight = fake.nextCommit();
    const earlier = fake.deliverBatch(0, ['0', '1']).catch((err: unknown) => err);
    await inFlight;
    const later = fake.deliverBatch(0, ['2', '3']).catch((err: unknown) => err);
    const other = fake.deliverBatch(1, ['0']);
    await settle();
    fake.release();

    expect(await earlier).toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    expect(await later).toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    await other;
    const committedOffsets = fake.transactions.filter((t) => t.state === 'committed').flatMap((t) => t.offsets.flatMap((o) => o[0].partitions));
    expect(committedOffsets).toEqual([{ partition: 1, offset: '1' }]);
    expect(fake.resolved).toEqual([{ partition: 1, offset: '0' }]);
  });

  it('leaves out of the transaction a batch whose partition was re-positioned, and commits the others', async () => {
    const fake = fakeKafka();
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 4 });
    await processor.start(echo);
    fake.hold();
    const inFlight = fake.nextCommit();
    const first = fake.deliverBatch(0, ['0']);
    await inFlight;
    let revoked = false;
    const stale = fake.deliverBatch(1, ['0'], () => revoked).catch((err: unknown) => err);
    const fresh = fake.deliverBatch(2, ['0']);
    await settle();
    revoked = true;
    fake.release();
    await Promise.all([first, fresh]);

    expect(await stale).toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    expect(outputsOf(fake.transactions[1])).toEqual(['2:0']);
    expect(fake.transactions[1].offsets).toEqual([[{ topic: 'in', partitions: [{ partition: 2, offset: '1' }] }]]);
    expect(fake.resolved).not.toContainEqual({ partition: 1, offset: '0' });
  });

  it('aborts the whole transaction when a partition in it is re-positioned before the commit', async () => {
    const fake = fakeKafka();
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 4 });
    await processor.start(echo);
    // Still ours when the transaction takes the batch; lost by the time the commit is due.
    let checks = 0;
    const result = fake.deliverBatch(0, ['0'], () => ++checks > 1);
    await expect(result).rejects.toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    expect(fake.transactions.map((t) => t.state)).toEqual(['aborted']);
    expect(fake.resolved).toEqual([]);
  });

  it('bounds the batches and bytes one transaction carries', async () => {
    const fake = fakeKafka();
    const processor = new TransactionalProcessor(fake.kafka, {
      groupId: 'g',
      topic: 'in',
      transactionalIdPrefix: 'p',
      concurrency: 8,
      maxBatchesPerTransaction: 3,
      maxBytesPerTransaction: 3 * 1024,
    });
    // Just under 1 KiB of output per record, with the 64 bytes of framing counted per record.
    await processor.start(async (batch) => ({ records: batch.records.map((r) => ({ topic: 'out', key: null, value: Buffer.alloc(900, r.offset.length) })) }));
    fake.hold();
    const inFlight = fake.nextCommit();
    const all = [fake.deliverBatch(0, ['0'])];
    await inFlight;
    all.push(
      fake.deliverBatch(1, ['0']), // 1 KiB
      fake.deliverBatch(2, ['0']), // 1 KiB
      fake.deliverBatch(3, ['0']), // 1 KiB: the batch bound of 3
      fake.deliverBatch(4, ['0', '1']), // 2 KiB
      fake.deliverBatch(5, ['0', '1']), // 2 KiB: over the byte bound together with 4
      fake.deliverBatch(6, ['0', '1', '2', '3', '4']), // 5 KiB: alone, over the bound by itself
    );
    await settle();
    fake.release();
    await Promise.all(all);
    expect(fake.transactions.map((t) => t.offsets[0][0].partitions.map((p) => p.partition))).toEqual([[0], [1, 2, 3], [4], [5], [6]]);
  });

  it('sends a transaction’s output one broker at a time, each record on the partition kafkajs would give it', async () => {
    // Six partitions led by brokers 1, 2, 3, 1, 2, 3.
    const fake = fakeKafka({ leaders: [1, 2, 3, 1, 2, 3] });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 1 });
    const keys = Array.from({ length: 40 }, (_, i) => `citizen-${i}`);
    await processor.start(async () => ({ records: keys.map((key, i) => ({ topic: 'out', key, value: Buffer.from(String(i)) })) }));
    await fake.deliver('0');

    const [tx] = fake.transactions;
    const sends = tx.sent.map((chunk) =>
      chunk.flatMap((t) => t.messages.map((m) => ({ key: String(m.key), value: String(m.value), partition: m.partition! }))),
    );
    // Each send's partitions share one leader; together the sends hold every record once.
    expect(sends.map((send) => new Set(send.map((m) => [1, 2, 3, 1, 2, 3][m.partition])).size)).toEqual(sends.map(() => 1));
    expect(
      sends
        .flat()
        .map((m) => m.value)
        .sort(),
    ).toEqual(keys.map((_, i) => String(i)).sort());
    expect(sends.length).toBe(3);
    // kafkajs's default partitioner (murmur2 of the key, as the Java client): the same key, the same partition.
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2, 3, 4, 5].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [], isr: [] }));
    for (const m of sends.flat()) expect(m.partition).toBe(partitionOf({ topic: 'out', partitionMetadata, message: { key: m.key, value: m.value } }));
    // Within a partition the records keep their order.
    for (const p of new Set(sends.flat().map((m) => m.partition))) {
      const inPartition = sends
        .flat()
        .filter((m) => m.partition === p)
        .map((m) => Number(m.value));
      expect(inPartition).toEqual([...inPartition].sort((a, b) => a - b));
    }
  });

  it('aborts the transaction when kafkajs sent a produce request to one broker twice in a send, and the batch is read again', async () => {
    // The 1st send: kafkajs retried and sent its request to b1 again (the copy kafkajs 2.2.4 makes
    // of a request still in flight). Later sends: once each.
    const fake = fakeKafka({ produceRequests: (call) => (call === 1 ? ['b1:9092', 'b2:9092', 'b1:9092'] : ['b1:9092']) });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 1 });
    await processor.start(echo);
    await expect(fake.deliver('3')).rejects.toMatchObject({ code: 'TRANSACTION_FAILED', retriable: true });
    expect(fake.resolved).toEqual([]);
    await fake.deliver('3');
    expect(fake.transactions.map((t) => t.state)).toEqual(['aborted', 'committed']);
    expect(fake.resolved).toEqual([{ partition: 0, offset: '3' }]);
  });

  it('asks for the leaders again after a failed transaction, and otherwise only once they are old', async () => {
    const fake = fakeKafka({ failCommits: 1 });
    const processor = new TransactionalProcessor(fake.kafka, { groupId: 'g', topic: 'in', transactionalIdPrefix: 'p', concurrency: 1 });
    await processor.start(echo);
    await fake.deliver('1').catch(() => undefined);
    await fake.deliver('1');
    await fake.deliver('2');
    expect(fake.metadataRequests).toEqual([['out'], ['out']]);
  });
});
