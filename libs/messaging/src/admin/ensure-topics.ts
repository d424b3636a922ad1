import type { Kafka } from 'kafkajs';
import { createKafka, type KafkaClientOptions } from '../client/kafka-client';
import { MessagingError } from '../errors/messaging-error';

export interface TopicDefinition {
  name: string;
  partitions: number;
  config?: Record<string, string>;
}

/**
 * Creates the missing topics with their partition counts and waits until the broker serves
 * their metadata. Consumers must never subscribe before this: on KRaft, kafkajs cannot subscribe
 * to a topic that does not exist yet. Existing topics are left alone (idempotent).
 */
export async function ensureTopics(
  options: KafkaClientOptions & { replicationFactor?: number; kafka?: Kafka },
  specs: ReadonlyArray<TopicDefinition>,
): Promise<{ created: string[] }> {
  const kafka = options.kafka ?? createKafka(options);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
    for (const spec of specs) {
      const topic = metadata.topics.find((t) => t.name === spec.name);
      if (!topic || topic.partitions.length < spec.partitions) {
        throw new MessagingError(
          'TOPIC_SETUP_FAILED',
          `topic ${spec.name} has ${topic?.partitions.length ?? 0} partitions, expected ${spec.partitions}`,
          false,
        );
      }
    }
    return { created: missing.map((s) => s.name) };
  } catch (err) {
    if (err instanceof MessagingError) throw err;
    throw new MessagingError('TOPIC_SETUP_FAILED', `cannot set up topics: ${(err as Error).message}`, true, err);
  } finally {
    await admin.disconnect();
  }
}
