import { randomUUID } from 'node:crypto';
import { kafkaConfig, readConfig } from '@parchee/config';
import { TOPIC_PROFILES } from '@parchee/contracts';
import { createKafka } from '../client/kafka-client';
import { ensureTopics } from '../admin/ensure-topics';
import { BatchingPublisher } from '../producer/batching-publisher';
import { BatchConsumer } from '../consumer/batch-consumer';
import { TransactionalProcessor } from '../consumer/transactional-processor';
import {
  allReplicasInSync,
  clusterBrokers,
  groupCoordinator,
  killClusterBroker,
  markEnd,
  offsetsPartitionOf,
  partitionLeaders,
  readUntilEnd,
  startClusterBroker,
} from '../testing';

const PARTITIONS = 6;
/** Publishes per second, one record each, as ingress publishes an MO. */
const RATE_PER_SEC = 100;
/** Load before the kill, ms. */
const BEFORE_KILL_MS = 4000;
/**
 * Load after the kill, ms: past the broker's session (broker.session.timeout.ms, 9 s), after
 * which the controller fences the dead broker and moves its partitions' leadership, and long
 * enough after that to show writes and reads going on with two brokers.
 */
const AFTER_KILL_MS = 20_000;
/** How long every acknowledged record may take to come out downstream once the load ends, ms. */
const DRAIN_MS = 60_000;

async function until(what: string, test: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The services' consumer and transaction settings: libs/config's defaults. */
const SETTINGS = readConfig({ kafka: kafkaConfig }, {}).kafka;
const CONSUMER = {
  sessionTimeoutMs: SETTINGS.sessionTimeoutMs,
  heartbeatIntervalMs: SETTINGS.heartbeatIntervalMs,
  rebalanceTimeoutMs: SETTINGS.rebalanceTimeoutMs,
};

/**
 * Against deploy/local/kafka-cluster.sh's three brokers, topics as production makes them (three
 * copies, min.insync.replicas 2), with the services' settings: ingress's publisher (acks all, idempotent) feeds lookup's
 * transactional processor (read committed, output and offsets in one transaction), which feeds a
 * batch consumer as egress reads. The broker coordinating both consumer groups is killed -9 in
 * the middle: their heartbeats, commits and transactional offsets all have to find another.
 */
describe('a three-broker cluster losing a broker (kill -9) under load', () => {
  const kafka = createKafka({ brokers: clusterBrokers(), clientId: 'broker-loss' });
  let killed: number | undefined;

  // A broker killed by an earlier run has caught up: the cluster can lose one again.
  beforeAll(() => allReplicasInSync(kafka), 150_000);

  afterAll(async () => {
    // The cluster is whole again for the next run, whatever happened.
    if (killed !== undefined) await startClusterBroker(killed);
  }, 180_000);

  it('stores every acknowledged record once, outputs each once through the transactions, and its consumers read on with two brokers', async () => {
    const { replicationFactor, minInsyncReplicas } = TOPIC_PROFILES.production;
    const config = { 'min.insync.replicas': String(minInsyncReplicas) };
    const input = `test.loss-in.${randomUUID().slice(0, 8)}`;
    const output = `test.loss-out.${randomUUID().slice(0, 8)}`;
    await ensureTopics({ brokers: clusterBrokers(), kafka, replicationFactor }, [
      { name: input, partitions: PARTITIONS, config },
      { name: output, partitions: PARTITIONS, config },
    ]);

    const publisher = new BatchingPublisher(kafka);
    const processorGroup = `loss-lookup-${randomUUID()}`;
    const processor = new TransactionalProcessor(kafka, {
      groupId: processorGroup,
      topic: input,
      transactionalIdPrefix: `loss-${randomUUID()}`,
      concurrency: PARTITIONS,
      ...CONSUMER,
      transactionTimeoutMs: SETTINGS.transactionTimeoutMs,
    });
    const acked = new Map<string, number>();
    const refused: number[] = [];
    const arrived = new Set<string>();
    const arrivals: number[] = [];
    let downstream: BatchConsumer | undefined;
    let killedAt = 0;
    try {
      await publisher.connect();
      await processor.start(async (batch) => ({
        records: batch.records.map((r) => ({ topic: output, key: r.key?.toString() ?? null, value: r.value ?? Buffer.alloc(0) })),
      }));
      // The downstream group on the same partition of __consumer_offsets, so the same coordinator.
      const offsetsPartitions = (await partitionLeaders(kafka, '__consumer_offsets')).size;
      let downstreamGroup: string;
      do downstreamGroup = `loss-egress-${randomUUID()}`;
      while (offsetsPartitionOf(downstreamGroup, offsetsPartitions) !== offsetsPartitionOf(processorGroup, offsetsPartitions));
      downstream = new BatchConsumer(kafka, {
        groupId: downstreamGroup,
        topics: [output],
        partitionsConsumedConcurrently: PARTITIONS,
        ...CONSUMER,
        commitTimeoutMs: SETTINGS.commitTimeoutMs,
      });
      await downstream.start(async (batch) => {
        for (const r of batch.records) arrived.add(r.value!.toString());
        arrivals.push(Date.now());
      });

      // A steady stream of publishes, each awaited on its own as ingress awaits an MO's.
      const publishes: Array<Promise<void>> = [];
      let sent = 0;
      const began = Date.now();
      const load = setInterval(() => {
        const due = Math.floor(((Date.now() - began) * RATE_PER_SEC) / 1000);
        for (; sent < due; sent++) {
          const id = `r${sent}`;
          publishes.push(
            publisher.publish([{ topic: input, key: `k${sent}`, value: Buffer.from(id) }]).then(
              () => void acked.set(id, Date.now()),
              () => void refused.push(Date.now()),
            ),
          );
        }
      }, 10);

      await until('records through the pipeline before the kill', () => Date.now() - began >= BEFORE_KILL_MS && arrived.size > 0, 30_000);
      killed = await groupCoordinator(kafka, processorGroup);
      killedAt = Date.now();
      await killClusterBroker(killed);
      await until('the load after the kill', () => Date.now() - killedAt >= AFTER_KILL_MS, AFTER_KILL_MS + 5000);
      clearInterval(load);
      await Promise.all(publishes);

      const ackedIds = [...acked.keys()];
      await until(`all ${ackedIds.length} acknowledged records downstream`, () => ackedIds.every((id) => arrived.has(id)), DRAIN_MS).catch((err: Error) => {
        throw new Error(`${err.message}; ${ackedIds.filter((id) => !arrived.has(id)).length} missing`);
      });
    } finally {
      await downstream?.stop().catch(() => undefined);
      await processor.stop().catch(() => undefined);
      await publisher.close().catch(() => undefined);
    }

    const ackedAfterKill = [...acked.values()].filter((t) => t > killedAt).length;
    const arrivedAfterKill = arrivals.filter((t) => t > killedAt).sort((a, b) => a - b);
    const longestPause = Math.max(...[killedAt, ...arrivedAfterKill].map((t, i, all) => (i === 0 ? 0 : t - all[i - 1])));
    process.stdout.write(
      `broker ${killed} (both groups' coordinator) killed: ${acked.size} publishes acknowledged (${ackedAfterKill} after the kill), ${refused.length} refused` +
        (refused.length > 0 ? ` from ${refused[0] - killedAt} to ${refused[refused.length - 1] - killedAt} ms after the kill` : '') +
        `; downstream's longest pause after the kill ${longestPause} ms\n`,
    );

    // Writes went on with a broker down: two copies still make min.insync.replicas.
    expect(ackedAfterKill).toBeGreaterThan(0);
    // Every acknowledged record came through, and the reads went on after the kill.
    expect([...acked.keys()].filter((id) => !arrived.has(id))).toEqual([]);
    expect(arrivedAfterKill.length).toBeGreaterThan(0);
    // Nothing twice: the publisher stored each record once (a refused publish may still have been
    // stored, once), and the transactions wrote each input's output once.
    await markEnd(kafka, input, PARTITIONS);
    await markEnd(kafka, output, PARTITIONS);
    const stored = await readUntilEnd(kafka, input, PARTITIONS, false);
    const written = await readUntilEnd(kafka, output, PARTITIONS, false);
    expect(stored.length).toBe(new Set(stored).size);
    expect([...acked.keys()].filter((id) => !stored.includes(id))).toEqual([]);
    expect(written.sort()).toEqual(stored.sort());
  }, 300_000);
});
