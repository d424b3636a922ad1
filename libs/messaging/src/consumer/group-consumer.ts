import type { Consumer, EachBatchPayload, Kafka, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';
import { toConsumedBatch, type ConsumedBatch } from './consumed-batch';

export interface GroupConsumerOptions {
  groupId: string;
  topics: string[];
  /** Partitions handled at once by this process. */
  partitionsConsumedConcurrently: number;
  /** Upper bound of one fetch per partition, bytes. Default 256 KiB (about a thousand SMS). */
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  logger?: Logger;
}

/**
 * The consumer-group mechanics both batch consumers share: manual offsets, batches handed over
 * whole, and a stop that lets the batches in hand finish (and commit) before leaving the group,
 * taking no new one meanwhile. What is not committed is simply read again after a restart.
 */
export class GroupConsumer {
  private readonly consumer: Consumer;
  private readonly logger: Logger;
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;
  private stopping = false;

  constructor(kafka: Kafka, private readonly options: GroupConsumerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      // A third of the session at most, so two lost heartbeats do not yet cost the partitions.
      heartbeatInterval: Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
      maxBytesPerPartition: options.maxBytesPerPartition ?? 256 * 1024,
      // A stop waits for the fetch in progress: a 1 s long poll (not kafkajs's 5 s) keeps a
      // graceful shutdown well inside its 10 s. Records still come back as soon as there are any.
      maxWaitTimeInMs: 1000,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  get isRunning(): boolean {
    return this.running;
  }

  async run(onBatch: (batch: ConsumedBatch, payload: EachBatchPayload) => Promise<void>): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.logger.error({ group: this.options.groupId, err: e.payload.error?.message, restart: e.payload.restart }, 'consumer crashed');
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        if (this.stopping) return;
        const batch = toConsumedBatch(payload);
        if (batch.records.length === 0) return;
        const work = onBatch(batch, payload);
        this.inFlight.add(work);
        try {
          await work;
        } finally {
          this.inFlight.delete(work);
        }
      },
    });
    this.running = true;
  }

  commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    return this.consumer.commitOffsets(offsets);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    this.running = false;
    await this.consumer.disconnect();
  }
}
