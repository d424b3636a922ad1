/**
 * Creates every topic of TOPIC_SPECS with its partition count before any service starts: on KRaft
 * kafkajs cannot subscribe to a topic that does not exist yet, and the broker's
 * auto.create.topics.enable is off so a typo cannot create a one-partition topic by accident.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 node -r @swc-node/register tools/infra/create-topics.ts
 *
 * Idempotent: existing topics are left as they are. Run by `deploy/local/infra.sh up` and `topics`.
 */
import { TOPIC_SPECS } from '@parchee/contracts';
import { isParcheeError } from '@parchee/errors';
import { ensureTopics } from '@parchee/messaging';

const DEFAULT_BROKERS = '127.0.0.1:9092';
/** Upper bound for the whole run, so a missing broker fails the caller instead of hanging it. */
const DEFAULT_TIMEOUT_MS = 60_000;

function brokersFromEnv(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? DEFAULT_BROKERS)
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is set but lists no broker (expected host:port[,host:port])');
  return brokers;
}

function timeoutFromEnv(): number {
  const raw = process.env.TOPICS_TIMEOUT_MS;
  if (raw === undefined || raw === '') return DEFAULT_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`TOPICS_TIMEOUT_MS must be a positive integer, got "${raw}"`);
  return ms;
}

async function main(): Promise<void> {
  const brokers = brokersFromEnv();
  const timeoutMs = timeoutFromEnv();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${brokers.join(',')} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const { created } = await Promise.race([ensureTopics({ brokers, clientId: 'parchee-create-topics' }, TOPIC_SPECS), deadline]);
    const summary = TOPIC_SPECS.map((t) => `${t.name} (${t.partitions})`).join(', ');
    process.stdout.write(`topics ready on ${brokers.join(',')}: ${summary}; created ${created.length > 0 ? created.join(', ') : 'none'}\n`);
  } finally {
    clearTimeout(timer);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`create-topics: ${isParcheeError(err) ? `${err.code}: ` : ''}${message}\n`);
    process.exit(1);
  },
);
