import type { Consumer, Kafka } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';
import { nextOffset, toConsumedBatch, type ConsumedBatch } from './consumed-batch';

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /** Partitions handled at once by this process. Default 4. */
  partitionsConsumedConcurrently?: number;
  /** Upper bound of one fetch per partition, bytes. Default 256 KiB (about a thousand SMS). */
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  logger?: Logger;
}

/**
 * At-least-once batch consumption: the offset of a batch is committed only after its handler
 * has resolved, that is after the next step is durable. A handler that throws leaves the batch
 * uncommitted, and kafkajs re-reads it after a backoff.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly logger: Logger;
  private running = false;
  private stopping = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(kafka: Kafka, private readonly options: BatchConsumerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 256 * 1024,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async start(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.logger.error({ err: e.payload.error?.message, restart: e.payload.restart }, 'consumer crashed');
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 4,
      eachBatch: async (payload) => {
        // Once stopping, take no new batch: what is not committed is read again after restart.
        if (this.stopping) return;
        const batch = toConsumedBatch(payload);
        if (batch.records.length === 0) return;
        let done: () => void = () => undefined;
        const tracked = new Promise<void>((r) => (done = r));
        this.inFlight.add(tracked);
        try {
          await handler(batch);
          const last = batch.records[batch.records.length - 1].offset;
          payload.resolveOffset(last);
          await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: nextOffset(last) }]);
        } finally {
          this.inFlight.delete(tracked);
          done();
        }
      },
    });
    this.running = true;
  }

  /** Waits for the batch in hand to finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    this.running = false;
    await this.consumer.disconnect();
  }
}
