import type { Kafka } from 'kafkajs';
import type { Logger } from '@parchee/observability';
import { nextOffset, type ConsumedBatch } from './consumed-batch';
import { GroupConsumer } from './group-consumer';
import { OffsetCommitter } from './offset-committer';

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /** Partitions handled at once by this process. Default 4. */
  partitionsConsumedConcurrently?: number;
  /** Upper bound of one fetch per partition, bytes. Default 256 KiB (about a thousand SMS). */
  maxBytesPerPartition?: number;
  /** See GroupConsumerOptions. */
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  commitTimeoutMs?: number;
  /**
   * Bytes the broker waits for before answering a fetch, unless `maxWaitTimeInMs` passes first.
   * Default 1 (answer at once). A consumer whose records may wait (receipts) takes far fewer,
   * larger fetches with more: the broker's cost is per request, not per record.
   */
  minBytes?: number;
  /** Longest the broker holds a fetch waiting for `minBytes`, ms. Default 1000. */
  maxWaitTimeInMs?: number;
  logger?: Logger;
}

/**
 * At-least-once batch consumption: the offset of a batch is committed only after its handler
 * has resolved, that is after the next step is durable. A handler that throws leaves the batch
 * uncommitted, and kafkajs re-reads it after a backoff.
 */
export class BatchConsumer {
  private readonly group: GroupConsumer;
  private readonly committer: OffsetCommitter;

  constructor(kafka: Kafka, options: BatchConsumerOptions) {
    this.group = new GroupConsumer(kafka, { ...options, partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 4 });
    this.committer = new OffsetCommitter((offsets) => this.group.commitOffsets(offsets));
  }

  get isRunning(): boolean {
    return this.group.isRunning;
  }

  start(handler: (batch: ConsumedBatch) => Promise<void>): Promise<void> {
    return this.group.run(async (batch, payload) => {
      await handler(batch);
      const last = batch.records[batch.records.length - 1].offset;
      payload.resolveOffset(last);
      // Batches of other partitions finishing meanwhile share the commit (OffsetCommitter).
      await this.committer.add({ topic: batch.topic, partition: batch.partition, offset: nextOffset(last) });
    });
  }

  /** Waits for the batches in hand to finish and commit, then leaves the group. */
  stop(): Promise<void> {
    return this.group.stop();
  }
}
