import type { Admin, Kafka } from 'kafkajs';
import { isRetriable } from '@parchee/errors';
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
        // kafkajs's own wait gives up when the broker it asks does not know the topic yet, as
        // happens on a cluster: partitionsServed below waits instead.
        waitForLeaders: false,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: options.replicationFactor ?? 1,
          configEntries: Object.entries(s.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    }
    await partitionsServed(admin, specs);
    if (missing.length > 0) await servedByEveryBroker(admin, options, specs);
    return { created: missing.map((s) => s.name) };
  } catch (err) {
    if (err instanceof MessagingError) throw err;
    throw new MessagingError('TOPIC_SETUP_FAILED', `cannot set up topics: ${(err as Error).message}`, true, err);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Topics just created on a cluster: each broker learns of them from the controller in its own
 * time, and a consumer asking another broker than the admin did would be told the topic does not
 * exist (kafkajs then fails its subscribe). So every broker is asked, each through a client of its
 * own. One broker: one question more.
 */
async function servedByEveryBroker(admin: Admin, options: KafkaClientOptions, specs: ReadonlyArray<TopicDefinition>): Promise<void> {
  const { brokers } = await admin.describeCluster();
  for (const b of brokers) {
    const single = createKafka({ ...options, brokers: [`${b.host}:${b.port}`], clientId: options.clientId ?? 'parchee-ensure-topics' }).admin();
    try {
      await single.connect();
      await partitionsServed(single, specs);
    } finally {
      await single.disconnect();
    }
  }
}

/** How long a cluster's brokers may take to learn of topics just created, ms. */
const METADATA_WAIT_MS = 30_000;

/**
 * Waits until the metadata the admin reads serves every topic with its partitions, each with a
 * leader. On a cluster, a topic just created is known to the controller before every broker has
 * it: the broker asked may answer UNKNOWN_TOPIC_OR_PARTITION (retriable) or a partition without a
 * leader for a moment. A topic served with fewer partitions than its spec is a topic created
 * elsewhere with other settings: that fails at once.
 */
async function partitionsServed(admin: Admin, specs: ReadonlyArray<TopicDefinition>): Promise<void> {
  const deadline = Date.now() + METADATA_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    let waitingFor: string | undefined;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
      for (const spec of specs) {
        const topic = metadata.topics.find((t) => t.name === spec.name);
        if (topic && topic.partitions.length < spec.partitions) {
          throw new MessagingError('TOPIC_SETUP_FAILED', `topic ${spec.name} has ${topic.partitions.length} partitions, expected ${spec.partitions}`, false);
        }
        if (!topic) waitingFor = `topic ${spec.name} not served yet`;
        else if (topic.partitions.some((p) => p.leader < 0)) waitingFor = `topic ${spec.name} has partitions without a leader`;
      }
    } catch (err) {
      if (!isRetriable(err)) throw err;
      waitingFor = err instanceof Error ? err.message : String(err);
    }
    if (waitingFor === undefined) return;
    if (Date.now() > deadline) throw new MessagingError('TOPIC_SETUP_FAILED', `topics not served within ${METADATA_WAIT_MS} ms: ${waitingFor}`, true);
    await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 100 * attempt)));
  }
}
