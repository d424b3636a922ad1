import type { EachBatchPayload } from 'kafkajs';

export interface ConsumedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Broker timestamp, epoch ms. */
  timestamp: number;
}

/** One fetch of one partition, handed to a handler as a whole. */
export interface ConsumedBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
  /** Keep the group membership alive during long work. */
  heartbeat(): Promise<void>;
  /** False once a rebalance or shutdown has begun: stop early and let the batch be re-read. */
  isRunning(): boolean;
}

export function toConsumedBatch(payload: EachBatchPayload): ConsumedBatch {
  const { batch } = payload;
  return {
    topic: batch.topic,
    partition: batch.partition,
    records: batch.messages.map((m) => ({
      topic: batch.topic,
      partition: batch.partition,
      offset: m.offset,
      key: m.key,
      value: m.value,
      timestamp: Number(m.timestamp),
    })),
    heartbeat: () => payload.heartbeat(),
    isRunning: () => payload.isRunning() && !payload.isStale(),
  };
}

export function nextOffset(offset: string): string {
  return (BigInt(offset) + 1n).toString();
}
