import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

/** The value markEnd appends to every partition. */
export const END = '<end>';

/**
 * Appends a marker to every partition, outside any transaction. Once every processor has stopped
 * no transaction is open, so a reader that has seen the marker of each partition has seen all
 * that partition will ever show it: the reads are exact counts, not waits.
 */
export async function markEnd(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: Array.from({ length: partitions }, (_, partition) => ({ partition, value: END })) });
  await producer.disconnect();
}

/** Every data record before the end markers, read committed (what downstream sees) or uncommitted (what was written). */
export async function readUntilEnd(kafka: Kafka, topic: string, partitions: number, readUncommitted: boolean, timeoutMs = 30_000): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, readUncommitted });
  const values: string[] = [];
  const ended = new Set<number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`end marker of ${ended.size} of ${partitions} partitions within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          if (ended.has(partition)) return;
          const value = message.value?.toString() ?? '';
          if (value !== END) return void values.push(value);
          ended.add(partition);
          if (ended.size === partitions) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}
