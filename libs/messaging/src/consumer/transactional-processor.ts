import type { Kafka, Producer } from 'kafkajs';
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

/**
 * Consume-transform-produce with Kafka transactions: the records a batch produces and the
 * consumer offset of that batch commit atomically, so a crash either replays the whole batch
 * with no output visible, or nothing at all. Downstream consumers read committed data only.
 */
export class TransactionalProcessor {
  private readonly group: GroupConsumer;
  private readonly producers: Producer[] = [];
  private readonly idle: Producer[] = [];
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
    for (let slot = 0; slot < concurrency; slot++) {
      const producer = this.kafka.producer({
        transactionalId: `${this.options.transactionalIdPrefix}-${slot}`,
        idempotent: true,
        maxInFlightRequests: 1,
        // A transaction lives from the end of a batch's processing to its commit, milliseconds. One
        // left open by a crashed process holds back read-committed readers until a producer with the
        // same id fences it, or until this timeout (plus the broker's 10 s abort sweep).
        transactionTimeout: 10_000,
        allowAutoTopicCreation: false,
      });
      await producer.connect();
      this.producers.push(producer);
      this.idle.push(producer);
    }
    await this.group.run(async (batch, payload) => {
      const output = await process(batch);
      const producer = this.idle.pop();
      if (!producer) throw new MessagingError('TRANSACTION_FAILED', 'no idle transactional producer', true);
      try {
        await this.commit(producer, batch, output);
      } finally {
        this.idle.push(producer);
      }
      payload.resolveOffset(batch.records[batch.records.length - 1].offset);
    });
  }

  /** Lets the batches in hand commit their transactions, then leaves the group. */
  async stop(): Promise<void> {
    await this.group.stop();
    await Promise.allSettled(this.producers.map((p) => p.disconnect()));
  }

  private async commit(producer: Producer, batch: ConsumedBatch, output: OutgoingRecord[]): Promise<void> {
    const transaction = await producer.transaction();
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
      await transaction.abort().catch((abortErr: Error) => this.logger.warn({ err: abortErr.message }, 'transaction abort failed'));
      throw new MessagingError('TRANSACTION_FAILED', `transaction failed: ${(err as Error).message}`, true, err);
    }
  }
}
