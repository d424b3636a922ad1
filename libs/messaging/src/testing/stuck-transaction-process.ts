/**
 * A lookup replica that dies mid-transaction, as a separate process for the cluster specs to
 * kill -9: a TransactionalProcessor whose batches produce their output and then never finish the
 * work before the commit, so the transaction stays open with its output written. Prints
 * `processing <n>` for each batch it takes. Settings from the environment (STUCK_*).
 *
 *   node -r @swc-node/register libs/messaging/src/testing/stuck-transaction-process.ts
 */
import { createKafka } from '../client/kafka-client';
import { TransactionalProcessor } from '../consumer/transactional-processor';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const kafka = createKafka({ brokers: env('STUCK_BROKERS').split(','), clientId: 'stuck-lookup' });
  const output = env('STUCK_OUTPUT');
  const processor = new TransactionalProcessor(kafka, {
    groupId: env('STUCK_GROUP'),
    topic: env('STUCK_INPUT'),
    transactionalIdPrefix: env('STUCK_TRANSACTIONAL_ID_PREFIX'),
    concurrency: 6,
    sessionTimeoutMs: Number(env('STUCK_SESSION_TIMEOUT_MS')),
    heartbeatIntervalMs: Number(env('STUCK_HEARTBEAT_INTERVAL_MS')),
    transactionTimeoutMs: Number(env('STUCK_TRANSACTION_TIMEOUT_MS')),
  });
  await processor.start(async (batch) => {
    process.stdout.write(`processing ${batch.records.length}\n`);
    return {
      records: batch.records.map((r) => ({ topic: output, key: r.key?.toString() ?? null, value: r.value ?? Buffer.alloc(0) })),
      beforeCommit: new Promise<void>(() => undefined),
    };
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`stuck-transaction-process: ${(err as Error).message}\n`);
  process.exit(1);
});
