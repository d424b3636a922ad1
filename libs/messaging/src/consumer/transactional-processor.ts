import type { EachBatchPayload, Kafka, Producer, TopicMessages, Transaction } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';
import { MessagingError } from '../errors/messaging-error';
import type { OutgoingRecord } from '../producer/batching-publisher';
import { LeaderRoutes } from '../producer/leader-routes';
import { nextOffset, type ConsumedBatch } from './consumed-batch';
import { GroupConsumer } from './group-consumer';
import { DEFAULT_MAX_PRODUCE_BYTES, chunkRecords, recordBytes } from './record-chunks';

export interface TransactionalProcessorOptions {
  groupId: string;
  topic: string;
  /**
   * Prefix of the transactional id. A replica has one transactional producer, `<prefix>-0`;
   * replicas must use distinct prefixes that stay the same across restarts (e.g. the pod name),
   * so that a restarted replica fences what its crashed predecessor left open.
   */
  transactionalIdPrefix: string;
  /** Partitions processed at once. They share the one transactional producer. Default 4. */
  concurrency?: number;
  maxBytesPerPartition?: number;
  /** See GroupConsumerOptions: bytes a fetch waits for. Default 1. */
  fetchMinBytes?: number;
  /** See GroupConsumerOptions: how long a fetch waits for `fetchMinBytes`, ms. Default 1000. */
  fetchMaxWaitMs?: number;
  /** See GroupConsumerOptions. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /**
   * Longest a transaction may stay open before the broker aborts it, ms. A transaction a crashed
   * replica left open holds back read-committed readers of the partitions it wrote until then
   * (plus the broker's abort sweep), unless a producer with the same transactional id (the
   * replica restarted) fences it first. Default 10 000; lookup passes KAFKA_TRANSACTION_TIMEOUT_MS.
   */
  transactionTimeoutMs?: number;
  /**
   * Bound on the bytes of one produce request inside the transaction. Keys are kept, so a whole
   * batch's output usually lands in one partition, and the broker refuses a record batch over
   * its message.max.bytes (1 MiB): bigger outputs go out as several requests. Default 512 KiB.
   */
  maxProduceBytes?: number;
  /**
   * Most batches one transaction carries. The batches that finish while a transaction is in
   * flight wait for the next one; past this bound, for the one after. Default 32.
   */
  maxBatchesPerTransaction?: number;
  /**
   * Most output bytes (estimated) one transaction carries, unless a single batch has more: a
   * transaction sends its produce requests one after the other, so this bounds how long it stays
   * open (well inside the transaction timeout) and how much one failure sends back to be
   * read again. Default 4 MiB.
   */
  maxBytesPerTransaction?: number;
  /**
   * Longest a finished batch waits for the batches still being processed beside it before its
   * transaction begins, ms. The batches of one fetch finish within a few ms of each other: waiting
   * for them makes one transaction of them instead of two or three, which is fewer broker round
   * trips per MO and no batch waiting for a whole second transaction. Default 5; 0 starts at once.
   */
  maxCommitLingerMs?: number;
  /** Told of every transaction's end: how many batches it carried and whether it committed. */
  onTransaction?: (t: TransactionOutcome) => void;
  logger?: Logger;
}

export interface TransactionOutcome {
  committed: boolean;
  batches: number;
  records: number;
  durationMs: number;
}

/**
 * What processing a batch hands back: its output, and optionally `beforeCommit`, work that must
 * be done before the batch's offset moves (lookup's audit rows, the guard's memory) but not
 * before its output is sent. The transaction produces the output meanwhile and waits for it
 * before committing; if it rejects, the transaction is aborted and the batch is read again.
 */
export interface ProcessedBatch {
  records: OutgoingRecord[];
  beforeCommit?: Promise<void>;
}

/** A processed batch waiting for the transaction that carries its output and offset. */
interface PendingBatch {
  topic: string;
  partition: number;
  lastOffset: string;
  records: number;
  output: OutgoingRecord[];
  beforeCommit?: Promise<void>;
  bytes: number;
  /** True once kafkajs re-positioned the partition (a seek, a lost assignment): the batch is not ours to commit. */
  stale: () => boolean;
  resolve: () => void;
  reject: (err: MessagingError) => void;
}

const DEFAULT_MAX_BATCHES_PER_TRANSACTION = 32;
const DEFAULT_MAX_BYTES_PER_TRANSACTION = 4 * 1024 * 1024;
const DEFAULT_MAX_COMMIT_LINGER_MS = 5;

/**
 * Consume-transform-produce with Kafka transactions: the records a batch produces and the
 * consumer offset of that batch commit atomically, so a crash either replays the batch with no
 * output visible, or nothing at all. Downstream consumers read committed data only.
 *
 * Group commit: a transaction costs about five broker round trips and a transaction marker on
 * every partition it wrote, whatever its size. So one transaction at a time is in flight, and
 * the batches whose processing finishes meanwhile go together into the next one: all their
 * output, and one sendOffsets for all their partitions. Each batch's handler waits for the
 * commit of the transaction that carried it; if that transaction fails, every batch in it fails
 * (retriable) and is read again, none of its output visible.
 */
export class TransactionalProcessor {
  private readonly group: GroupConsumer;
  private readonly logger: Logger;
  private readonly transactionalId: string;
  private producer?: Producer;
  private readonly routes: LeaderRoutes;
  /** The brokers of the produce requests answered during the `sendBatch` in progress, if one is. */
  private produceRequests?: string[];
  /** Set when an abort failed: kafkajs's state machine is stuck in ABORTING and refuses every new transaction. */
  private broken = false;
  private pending: PendingBatch[] = [];
  private inFlight = false;
  /** Batches handed to the processing function and not yet enqueued (or failed). */
  private processing = 0;
  private linger?: NodeJS.Timeout;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: TransactionalProcessorOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    // Slot 0's id from when every partition slot had its own producer: a replica restarted on
    // this version still fences the transaction its predecessor left open there.
    this.transactionalId = `${options.transactionalIdPrefix}-0`;
    this.routes = new LeaderRoutes(kafka.admin());
    this.group = new GroupConsumer(kafka, {
      groupId: options.groupId,
      topics: [options.topic],
      partitionsConsumedConcurrently: options.concurrency ?? 4,
      maxBytesPerPartition: options.maxBytesPerPartition,
      minBytes: options.fetchMinBytes,
      maxWaitTimeInMs: options.fetchMaxWaitMs,
      sessionTimeoutMs: options.sessionTimeoutMs,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs,
      logger: options.logger,
    });
  }

  get isRunning(): boolean {
    return this.group.isRunning;
  }

  async start(process: (batch: ConsumedBatch) => Promise<ProcessedBatch>): Promise<void> {
    this.producer = this.newProducer();
    await this.producer.connect();
    await this.group.run(async (batch, payload) => {
      let processed: ProcessedBatch;
      this.processing++;
      try {
        processed = await process(batch);
      } catch (err) {
        this.processing--;
        // A batch that failed no longer holds back the ones waiting for it.
        this.next();
        throw err;
      }
      // Enqueued at once below, in the same turn: it joins the transaction it lets begin.
      this.processing--;
      const { records: output, beforeCommit } = processed;
      // Settled here too, so a batch that fails before its transaction leaves no unhandled rejection.
      beforeCommit?.catch(() => undefined);
      const lastOffset = batch.records[batch.records.length - 1].offset;
      await this.enqueue(batch, payload, lastOffset, output, beforeCommit);
      payload.resolveOffset(lastOffset);
    });
  }

  /** Lets the batches in hand commit their transactions, then leaves the group. */
  async stop(): Promise<void> {
    await this.group.stop();
    await this.producer?.disconnect().catch(() => undefined);
    await this.routes.close();
  }

  /** Resolves once the transaction carrying this batch's output and offset has committed. */
  private enqueue(batch: ConsumedBatch, payload: EachBatchPayload, lastOffset: string, output: OutgoingRecord[], beforeCommit?: Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({
        topic: batch.topic,
        partition: batch.partition,
        lastOffset,
        records: batch.records.length,
        output,
        beforeCommit,
        bytes: output.reduce((n, r) => n + recordBytes(r), 0),
        stale: () => payload.isStale(),
        resolve,
        reject,
      });
      this.next();
    });
  }

  /** Starts the next transaction with what is waiting, unless one is in flight: its end calls this again. */
  private next(): void {
    if (this.inFlight || this.pending.length === 0) return;
    const lingerMs = this.options.maxCommitLingerMs ?? DEFAULT_MAX_COMMIT_LINGER_MS;
    if (this.processing > 0 && lingerMs > 0) {
      // Others of the same fetch are about to finish: wait for them, but not for a slow one.
      this.linger ??= setTimeout(() => {
        this.linger = undefined;
        this.begin();
      }, lingerMs);
      return;
    }
    this.begin();
  }

  private begin(): void {
    if (this.linger) {
      clearTimeout(this.linger);
      this.linger = undefined;
    }
    if (this.inFlight || this.pending.length === 0) return;
    const group = this.take();
    this.inFlight = true;
    void this.commitGroup(group).finally(() => {
      this.inFlight = false;
      this.next();
    });
  }

  /** The oldest waiting batches, within the bounds of one transaction (at least one batch). */
  private take(): PendingBatch[] {
    const maxBatches = this.options.maxBatchesPerTransaction ?? DEFAULT_MAX_BATCHES_PER_TRANSACTION;
    const maxBytes = this.options.maxBytesPerTransaction ?? DEFAULT_MAX_BYTES_PER_TRANSACTION;
    let n = 0;
    let bytes = 0;
    while (n < this.pending.length && n < maxBatches && (n === 0 || bytes + this.pending[n].bytes <= maxBytes)) {
      bytes += this.pending[n].bytes;
      n++;
    }
    return this.pending.splice(0, n);
  }

  /** Never throws: every batch of the group is resolved or rejected. */
  private async commitGroup(group: PendingBatch[]): Promise<void> {
    // A batch whose partition kafkajs re-positioned meanwhile is read again from where the
    // partition's owner now starts: committing its offset would skip or repeat records.
    const live: PendingBatch[] = [];
    for (const b of group) {
      if (b.stale()) b.reject(new MessagingError('TRANSACTION_FAILED', `partition ${b.topic}/${b.partition} re-positioned before its batch committed`, true));
      else live.push(b);
    }
    if (live.length === 0) return;
    const started = Date.now();
    const records = live.reduce((n, b) => n + b.records, 0);
    try {
      if (this.broken) await this.renew();
      await this.commit(live);
    } catch (err) {
      const failure =
        err instanceof MessagingError ? err : new MessagingError('TRANSACTION_FAILED', `transaction failed: ${(err as Error).message}`, true, err);
      for (const b of live) b.reject(failure);
      this.failFollowers(live, failure);
      this.options.onTransaction?.({ committed: false, batches: live.length, records, durationMs: Date.now() - started });
      return;
    }
    for (const b of live) b.resolve();
    this.options.onTransaction?.({ committed: true, batches: live.length, records, durationMs: Date.now() - started });
  }

  /**
   * A later batch of a partition whose earlier batch just failed must not commit its offset: it
   * would move the partition past records whose output was never committed. kafkajs hands out
   * one batch per partition at a time, so this is a guard, not a path taken today.
   */
  private failFollowers(failed: PendingBatch[], failure: MessagingError): void {
    const partitions = new Set(failed.map((b) => `${b.topic}\u0000${b.partition}`));
    const [doomed, kept] = [[], []] as [PendingBatch[], PendingBatch[]];
    for (const b of this.pending) (partitions.has(`${b.topic}\u0000${b.partition}`) ? doomed : kept).push(b);
    this.pending = kept;
    for (const b of doomed) b.reject(failure);
  }

  private newProducer(): Producer {
    const producer = this.kafka.producer({
      transactionalId: this.transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // A transaction lives from the end of a group's processing to its commit, milliseconds. One
      // left open by a crashed process holds back read-committed readers until a producer with the
      // same id fences it, or until this timeout (plus the broker's abort sweep).
      transactionTimeout: this.options.transactionTimeoutMs ?? 10_000,
      allowAutoTopicCreation: false,
      // A transaction begun right after the previous one's commit finds the broker still writing
      // that commit's markers, and its first AddPartitionsToTxn is refused (CONCURRENT_TRANSACTIONS)
      // until they are written, a few ms later. With group commit that is most transactions, so
      // the first retry comes after 10 ms, not the client's 100 (the Java producer also retries
      // this one sooner than its usual backoff; see docs/benchmarks.md, "Measurements behind code
      // choices"). Retries stay unbounded, as kafkajs makes them for an idempotent producer by default.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 10, maxRetryTime: 5000 },
    });
    producer.on(producer.events.REQUEST, ({ payload }) => {
      if (payload.apiName === 'Produce') this.produceRequests?.push(payload.broker);
    });
    return producer;
  }

  /**
   * Replaces a producer whose abort failed (the broker went away mid-transaction) with a new one
   * of the same transactional id: its first transaction fences the old epoch, and the broker
   * aborts whatever the old one left open. Until the broker answers, the batches fail (retriable)
   * and are read again; the producer stays broken and is renewed before the next transaction.
   */
  private async renew(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    const fresh = this.newProducer();
    try {
      await fresh.connect();
    } catch (err) {
      await fresh.disconnect().catch(() => undefined);
      throw new MessagingError('TRANSACTION_FAILED', `transactional producer not renewed: ${(err as Error).message}`, true, err);
    }
    this.producer = fresh;
    this.broken = false;
    this.logger.info({ transactionalId: this.transactionalId }, 'transactional producer renewed after a failed abort');
  }

  /**
   * One `sendBatch`, refused when kafkajs sent a produce request to the same broker twice in it:
   * the first may have been written while the second was sent with new sequence numbers, so the
   * records may be in the transaction twice (LeaderRoutes says how; it happens when leadership
   * moves under a request). Aborting the transaction hides both copies from read-committed
   * readers, and the batches are read again.
   */
  private async sendOnce(transaction: Transaction, topicMessages: TopicMessages[]): Promise<void> {
    const answered: string[] = [];
    this.produceRequests = answered;
    try {
      await transaction.sendBatch({ topicMessages, acks: -1 });
    } finally {
      this.produceRequests = undefined;
    }
    const twice = answered.find((broker, i) => answered.indexOf(broker) !== i);
    if (twice) throw new Error(`kafkajs sent a produce request to ${twice} twice in one send: its records may be in the transaction twice`);
  }

  private async commit(group: PendingBatch[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new MessagingError('TRANSACTION_FAILED', 'transactional producer not started', true);
    let transaction: Transaction;
    try {
      transaction = await producer.transaction();
    } catch (err) {
      // kafkajs throws a non-retriable error here, which would crash the consumer for good.
      this.broken = true;
      throw new MessagingError('TRANSACTION_FAILED', `transaction not begun: ${(err as Error).message}`, true, err);
    }
    try {
      // In the order the batches finished: per partition, their outputs keep their order.
      const output = group.length === 1 ? group[0].output : group.flatMap((b) => b.output);
      // One broker per request, one after the other (LeaderRoutes says why).
      for (const leaderGroup of output.length > 0 ? await this.routes.route(output) : []) {
        for (const chunk of chunkRecords(leaderGroup, this.options.maxProduceBytes ?? DEFAULT_MAX_PRODUCE_BYTES)) {
          await this.sendOnce(transaction, chunk);
        }
      }
      // Work the batches must finish before their offsets move, done while the output was sent.
      const before = group.flatMap((b) => (b.beforeCommit ? [b.beforeCommit] : []));
      if (before.length > 0) await Promise.all(before);
      await transaction.sendOffsets({ consumerGroupId: this.options.groupId, topics: offsetsOf(group) });
      // The last moment a batch can still be left out: kafkajs's TxnOffsetCommit carries no
      // group generation, so the broker would take the offset of a partition this member lost.
      const stale = group.find((b) => b.stale());
      if (stale) throw new Error(`partition ${stale.topic}/${stale.partition} re-positioned before the commit`);
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch((abortErr: Error) => {
        // The producer's state machine now stays in ABORTING and refuses every new transaction.
        this.logger.warn(
          { err: abortErr.message, transactionalId: this.transactionalId },
          'transaction abort failed; the producer is renewed before its next transaction',
        );
      });
      // Leadership may have moved: the next transaction asks for the leaders again.
      this.routes.forget();
      // Renewed after any failed transaction, not only a failed abort: kafkajs 2.2.4 winds back
      // the sequence numbers of every partition of a produce request that failed in part, even
      // those the broker wrote, and a later batch reusing them is taken by the broker for a
      // duplicate and not stored (how ingress lost acknowledged MOs; docs/delivery-guarantees.md).
      // A new producer with the same transactional id bumps the epoch and starts its sequences
      // afresh. Failed transactions are rare; the renewal costs one InitProducerId.
      this.broken = true;
      throw new MessagingError('TRANSACTION_FAILED', `transaction failed: ${(err as Error).message}`, true, err);
    }
  }
}

/** One offset per partition, the next to read after the group's last batch of it. */
export function offsetsOf(
  group: ReadonlyArray<{ topic: string; partition: number; lastOffset: string }>,
): Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> {
  const byTopic = new Map<string, Map<number, bigint>>();
  for (const b of group) {
    let partitions = byTopic.get(b.topic);
    if (!partitions) byTopic.set(b.topic, (partitions = new Map()));
    const last = BigInt(b.lastOffset);
    const seen = partitions.get(b.partition);
    if (seen === undefined || last > seen) partitions.set(b.partition, last);
  }
  return [...byTopic].map(([topic, partitions]) => ({
    topic,
    partitions: [...partitions].map(([partition, last]) => ({ partition, offset: nextOffset(last.toString()) })),
  }));
}
