import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Consumer } from 'kafkajs';
import { kafkaConfig, readConfig } from '@parchee/config';
import { TOPIC_PROFILES } from '@parchee/contracts';
import { createKafka } from '../client/kafka-client';
import { ensureTopics } from '../admin/ensure-topics';
import { BatchingPublisher } from '../producer/batching-publisher';
import { TransactionalProcessor } from '../consumer/transactional-processor';
import { allReplicasInSync, clusterBrokers } from '../testing';

const ROOT = resolve(__dirname, '../../../..');
const PARTITIONS = 6;
const RECORDS = 60;
/** The services' settings (libs/config's defaults): a 3 s session, heartbeats every 0.5 s, 4 s transactions. */
const SETTINGS = readConfig({ kafka: kafkaConfig }, {}).kafka;
const SESSION_MS = SETTINGS.sessionTimeoutMs;
const HEARTBEAT_MS = SETTINGS.heartbeatIntervalMs;
const TRANSACTION_TIMEOUT_MS = SETTINGS.transactionTimeoutMs;
/** The brokers' sweep for timed-out transactions (transaction.abort.timed.out.transaction.cleanup.interval.ms). */
const ABORT_SWEEP_MS = 1000;

async function until<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A lookup replica killed -9 with a transaction open, its replies written but not committed: egress
 * (read committed) cannot read past them on the partitions they went to until the transaction ends.
 * Measured from the kill to the first reply egress can read, when the replica restarts under its
 * own transactional id (a pod restarted in place) and when another replica takes its partitions (a
 * lost node: the dead one's transaction ends only by its timeout and the brokers' sweep).
 */
describe('a lookup replica killed -9 mid-transaction, on the three-broker cluster', () => {
  const kafka = createKafka({ brokers: clusterBrokers(), clientId: 'takeover' });
  const stuck: ChildProcess[] = [];

  beforeAll(() => allReplicasInSync(kafka), 150_000);
  afterAll(() => stuck.forEach((p) => p.exitCode === null && p.kill('SIGKILL')));

  it.each([
    ['restarts under its own transactional id', true, SESSION_MS + 2000],
    ['is replaced by another replica', false, TRANSACTION_TIMEOUT_MS + ABORT_SWEEP_MS + 2000],
  ])(
    'when it %s, egress reads replies again within the bound of that case',
    async (_case, sameId, boundFromTransactionMs) => {
      const { replicationFactor, minInsyncReplicas } = TOPIC_PROFILES.production;
      const config = { 'min.insync.replicas': String(minInsyncReplicas) };
      const input = `test.takeover-in.${randomUUID().slice(0, 8)}`;
      const output = `test.takeover-out.${randomUUID().slice(0, 8)}`;
      // One input partition: the stuck replica takes the records in one batch, so one transaction
      // holds all their replies, spread over every output partition.
      await ensureTopics({ brokers: clusterBrokers(), kafka, replicationFactor }, [
        { name: input, partitions: 1, config },
        { name: output, partitions: PARTITIONS, config },
      ]);
      const publisher = new BatchingPublisher(kafka);
      await publisher.connect();
      await publisher.publish(Array.from({ length: RECORDS }, (_, i) => ({ topic: input, key: `k${i}`, value: Buffer.from(`r${i}`) })));
      await publisher.close();

      // What was written (uncommitted included), and what egress reads (committed only).
      const written: number[] = [];
      const readable: number[] = [];
      const readers: Consumer[] = [];
      for (const [readUncommitted, into] of [
        [true, written],
        [false, readable],
      ] as const) {
        const reader = kafka.consumer({ groupId: `takeover-reader-${randomUUID()}`, readUncommitted, maxWaitTimeInMs: 100 });
        readers.push(reader);
        await reader.connect();
        await reader.subscribe({ topic: output, fromBeginning: true });
        await reader.run({
          eachMessage: async ({ message }) => {
            // When it became readable for the committed reader; when it was produced for the other.
            into.push(readUncommitted ? Number(message.timestamp) : Date.now());
          },
        });
      }

      const groupId = `takeover-${randomUUID()}`;
      const prefix = `takeover-${randomUUID()}`;
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/messaging/src/testing/stuck-transaction-process.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          STUCK_BROKERS: clusterBrokers().join(','),
          STUCK_INPUT: input,
          STUCK_OUTPUT: output,
          STUCK_GROUP: groupId,
          STUCK_TRANSACTIONAL_ID_PREFIX: prefix,
          STUCK_SESSION_TIMEOUT_MS: String(SESSION_MS),
          STUCK_HEARTBEAT_INTERVAL_MS: String(HEARTBEAT_MS),
          STUCK_TRANSACTION_TIMEOUT_MS: String(TRANSACTION_TIMEOUT_MS),
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      stuck.push(child);
      let successor: TransactionalProcessor | undefined;
      try {
        // The dead replica's replies are on the broker, in a transaction that will never commit.
        await until('the stuck transaction’s output written', () => (written.length >= RECORDS ? true : undefined), 60_000);
        const transactionStarted = Math.min(...written);
        const killedAt = Date.now();
        child.kill('SIGKILL');
        await until('the stuck replica gone', () => (child.exitCode !== null || child.signalCode !== null ? true : undefined), 10_000);

        successor = new TransactionalProcessor(kafka, {
          groupId,
          topic: input,
          transactionalIdPrefix: sameId ? prefix : `takeover-${randomUUID()}`,
          concurrency: PARTITIONS,
          sessionTimeoutMs: SESSION_MS,
          heartbeatIntervalMs: HEARTBEAT_MS,
          transactionTimeoutMs: TRANSACTION_TIMEOUT_MS,
        });
        await successor.start(async (batch) => ({
          records: batch.records.map((r) => ({ topic: output, key: r.key?.toString() ?? null, value: r.value ?? Buffer.alloc(0) })),
        }));
        const firstReadable = await until('a reply egress can read', () => (readable.length > 0 ? Date.now() : undefined), 60_000);
        await until('every reply readable', () => (readable.length >= RECORDS ? true : undefined), 30_000);

        const fromKill = firstReadable - killedAt;
        const fromTransaction = firstReadable - transactionStarted;
        process.stdout.write(
          `lookup killed -9 mid-transaction, ${sameId ? 'restarted under its own transactional id' : 'replaced by another replica'}: ` +
            `egress read again ${fromKill} ms after the kill (${fromTransaction} ms after the transaction began; session ${SESSION_MS} ms, transaction timeout ${TRANSACTION_TIMEOUT_MS} ms)\n`,
        );
        // Nothing of the dead transaction became readable: egress read each reply once, the successor's.
        expect(readable.length).toBe(RECORDS);
        expect(fromTransaction).toBeLessThan(boundFromTransactionMs);
      } finally {
        await successor?.stop().catch(() => undefined);
        await Promise.all(readers.map((r) => r.disconnect()));
      }
    },
    180_000,
  );
});
