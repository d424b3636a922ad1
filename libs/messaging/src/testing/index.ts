import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { createKafka } from '../client/kafka-client';
import { ensureTopics } from '../admin/ensure-topics';

/** Brokers of the real test Kafka (deploy/local/infra.sh starts it). */
export function testBrokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
}

export function testKafka(clientId = 'parchee-test'): Kafka {
  return createKafka({ brokers: testBrokers(), clientId });
}

/** Creates a throw-away topic so tests never see each other's records. */
export async function freshTopic(prefix: string, partitions = 3): Promise<string> {
  const name = `test.${prefix}.${randomUUID().slice(0, 8)}`;
  await ensureTopics({ brokers: testBrokers() }, [{ name, partitions }]);
  return name;
}

/** Reads committed records from a topic until `count` have arrived or the deadline passes. */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  count: number,
  timeoutMs = 20_000,
): Promise<Array<{ key: string | null; value: string; partition: number }>> {
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}`, readUncommitted: false });
  const seen: Array<{ key: string | null; value: string; partition: number }> = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.length} of ${count} records on ${topic} within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', partition });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}
export { brokerCheckout, startBroker, stopBroker } from './kafka-broker';
export { END, markEnd, readUntilEnd } from './topic-ends';
export {
  allReplicasInSync,
  clusterBrokers,
  groupCoordinator,
  killClusterBroker,
  offsetsPartitionOf,
  partitionLeaders,
  startClusterBroker,
} from './kafka-cluster';
