import type { Kafka, Producer, Transaction } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';
import { MessagingError } from '../errors/messaging-error';
import type { OutgoingRecord } from '../producer/batching-publisher';
import { nextOffset, type ConsumedBatch } from './consumed-batch';
import { GroupConsumer } from './group-consumer';
import { DEFAULT_MAX_PRODUCE_BYTES, chunkRecords } from './record-chunks';

export interface TransactionalProcessorOptions {
  groupId: string;
  topic: string;
  /**
   * Prefix of the transactional ids. Each concurrent partition slot gets its own producer and id
   * (`<prefix>-<slot>`); replicas must use distinct prefixes (e.g. the pod name).
   */
  transactionalIdPrefix: string;
  /** Partitions processed at once, one transactional producer each. Default 4. */
  concurrency?: number;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /**
   * Bound on the bytes of one produce request inside the transaction. Keys are kept, so a whole
   * batch's output usually lands in one partition, and the broker refuses a record batch over
   * its message.max.bytes (1 MiB): bigger outputs go out as several requests. Default 512 KiB.
   */
  maxProduceBytes?: number;
  logger?: Logger;
}

/** One concurrent partition slot: its transactional id, and the producer that holds it now. */
interface Slot {
  transactionalId: string;
  producer: Producer;
  /** Set when an abort failed: kafkajs's state machine is stuck in ABORTING and refuses every new transaction. */
  broken: boolean;
}

/**
 * Consume-transform-produce with Kafka transactions: the records a batch produces and the
 * consumer offset of that batch commit atomically, so a crash either replays the whole batch
 * with no output visible, or nothing at all. Downstream consumers read committed data only.
 */
export class TransactionalProcessor {
  private readonly group: GroupConsumer;
  private readonly slots: Slot[] = [];
  private readonly idle: Slot[] = [];
  private readonly logger: Logger;

  constructor(private readonly kafka: Kafka, private readonly options: TransactionalProcessorOptions) {
    this.logger = options.logger ?? silentLogger;
    this.group = new GroupConsumer(kafka, {
      groupId: options.groupId,
      topics: [options.topic],
      partitionsConsumedConcurrently: options.concurrency ?? 4,
      maxBytesPerPartition: options.maxBytesPerPartition,
      sessionTimeoutMs: options.sessionTimeoutMs,
      logger: options.logger,
    });
  }

  get isRunning(): boolean {
    return this.group.isRunning;
  }

  async start(process: (batch: ConsumedBatch) => Promise<OutgoingRecord[]>): Promise<void> {
    const concurrency = this.options.concurrency ?? 4;
    for (let i = 0; i < concurrency; i++) {
      const transactionalId = `${this.options.transactionalIdPrefix}-${i}`;
      const slot: Slot = { transactionalId, producer: this.producer(transactionalId), broken: false };
      await slot.producer.connect();
      this.slots.push(slot);
      this.idle.push(slot);
    }
    await this.group.run(async (batch, payload) => {
      const output = await process(batch);
      const slot = this.idle.pop();
      if (!slot) throw new MessagingError('TRANSACTION_FAILED', 'no idle transactional producer', true);
      try {
        if (slot.broken) await this.renew(slot);
        await this.commit(slot, batch, output);
      } finally {
        this.idle.push(slot);
      }
      payload.resolveOffset(batch.records[batch.records.length - 1].offset);
    });
  }

  /** Lets the batches in hand commit their transactions, then leaves the group. */
  async stop(): Promise<void> {
    await this.group.stop();
    await Promise.allSettled(this.slots.map((s) => s.producer.disconnect()));
  }

  private producer(transactionalId: string): Producer {
    return this.kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      // A transaction lives from the end of a batch's processing to its commit, milliseconds. One
      // left open by a crashed process holds back read-committed readers until a producer with the
      // same id fences it, or until this timeout (plus the broker's 10 s abort sweep).
      transactionTimeout: 10_000,
      allowAutoTopicCreation: false,
    });
  }

  /**
   * Replaces a producer whose abort failed (the broker went away mid-transaction) with a new one
   * of the same transactional id: its first transaction fences the old epoch, and the broker
   * aborts whatever the old one left open. Until the broker answers, the batch fails (retriable)
   * and is read again; the slot stays broken and is renewed on the next try.
   */
  private async renew(slot: Slot): Promise<void> {
    await slot.producer.disconnect().catch(() => undefined);
    const fresh = this.producer(slot.transactionalId);
    try {
      await fresh.connect();
    } catch (err) {
      await fresh.disconnect().catch(() => undefined);
      throw new MessagingError('TRANSACTION_FAILED', `transactional producer not renewed: ${(err as Error).message}`, true, err);
    }
    slot.producer = fresh;
    slot.broken = false;
    this.logger.info({ transactionalId: slot.transactionalId }, 'transactional producer renewed after a failed abort');
  }

  private async commit(slot: Slot, batch: ConsumedBatch, output: OutgoingRecord[]): Promise<void> {
    let transaction: Transaction;
    try {
      transaction = await slot.producer.transaction();
    } catch (err) {
      // kafkajs throws a non-retriable error here, which would crash the consumer for good.
      slot.broken = true;
      throw new MessagingError('TRANSACTION_FAILED', `transaction not begun: ${(err as Error).message}`, true, err);
    }
    try {
      for (const chunk of chunkRecords(output, this.options.maxProduceBytes ?? DEFAULT_MAX_PRODUCE_BYTES)) {
        await transaction.sendBatch({ topicMessages: chunk, acks: -1 });
      }
      const last = batch.records[batch.records.length - 1].offset;
      await transaction.sendOffsets({
        consumerGroupId: this.options.groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset(last) }] }],
      });
      await transaction.commit();
    } catch (err) {
      await transaction.abort().catch((abortErr: Error) => {
        // The producer's state machine now stays in ABORTING and refuses every new transaction.
        slot.broken = true;
        this.logger.warn({ err: abortErr.message, transactionalId: slot.transactionalId }, 'transaction abort failed; the producer is renewed before its next transaction');
      });
      throw new MessagingError('TRANSACTION_FAILED', `transaction failed: ${(err as Error).message}`, true, err);
    }
  }
}
