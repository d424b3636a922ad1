import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';

/** This checkout, whose deploy/local/kafka-cluster.sh runs the three-broker cluster. */
const ROOT = resolve(__dirname, '../../../..');

/**
 * The three brokers deploy/local/kafka-cluster.sh runs (broker n listens on 19090 + 2n), or
 * KAFKA_CLUSTER_BROKERS. Node ids are 1, 2, 3, as the script's numbers.
 */
export function clusterBrokers(): string[] {
  return (process.env['KAFKA_CLUSTER_BROKERS'] ?? '127.0.0.1:19092,127.0.0.1:19094,127.0.0.1:19096').split(',');
}

async function cluster(...args: string[]): Promise<void> {
  await promisify(execFile)('bash', [join(ROOT, 'deploy/local/kafka-cluster.sh'), ...args], { timeout: 180_000 });
}

/** kill -9 of broker `node`, resolved once its process is gone. */
export function killClusterBroker(node: number): Promise<void> {
  return cluster('kill', String(node));
}

/** Starts broker `node` again (a no-op if it runs), resolved once it has finished starting. */
export function startClusterBroker(node: number): Promise<void> {
  return cluster('start', String(node));
}

/** The node id leading each partition of `topic`, by partition. */
export async function partitionLeaders(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(topics[0].partitions.map((p) => [p.partitionId, p.leader]));
  } finally {
    await admin.disconnect();
  }
}

/** Java's String.hashCode, by which Kafka maps a group id to its partition of __consumer_offsets. */
function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** The partition of __consumer_offsets holding `groupId` (Kafka's mapping: its hashCode, sign bit cleared, modulo the partitions). */
export function offsetsPartitionOf(groupId: string, partitions: number): number {
  return (javaHashCode(groupId) & 0x7fffffff) % partitions;
}

/**
 * The node id of the broker coordinating `groupId`: the leader of the group's partition of
 * __consumer_offsets. The group's heartbeats and offset commits go there.
 */
export async function groupCoordinator(kafka: Kafka, groupId: string): Promise<number> {
  const leaders = await partitionLeaders(kafka, '__consumer_offsets');
  const partition = offsetsPartitionOf(groupId, leaders.size);
  const leader = leaders.get(partition);
  if (leader === undefined || leader < 0) throw new Error(`__consumer_offsets partition ${partition} has no leader`);
  return leader;
}

/**
 * Resolves once every partition of every topic has all its replicas in sync: a broker started
 * again has caught up, and the cluster can lose one again without refusing acks=all writes.
 */
export async function allReplicasInSync(kafka: Kafka, timeoutMs = 120_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const lagging = await admin
        .fetchTopicMetadata()
        .then(({ topics }) =>
          topics.flatMap((t) => t.partitions.filter((p) => p.leader < 0 || p.isr.length < p.replicas.length).map((p) => `${t.name}/${p.partitionId}`)),
        )
        .catch((err: Error) => [err.message]);
      if (lagging.length === 0) return;
      if (Date.now() > deadline) throw new Error(`replicas still out of sync after ${timeoutMs} ms: ${lagging.slice(0, 5).join(', ')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect();
  }
}
