/**
 * Creates every topic of a topic profile (topicSpecsFor in @parchee/contracts: partitions,
 * retention, replication factor, min.insync.replicas) before any service starts: on KRaft kafkajs
 * cannot subscribe to a topic that does not exist yet, and the broker's auto.create.topics.enable
 * is off so a typo cannot create a one-partition topic by accident.
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 node -r @swc-node/register tools/infra/create-topics.ts
 *   KAFKA_BROKERS=kafka-0:9092,kafka-1:9092 node -r @swc-node/register tools/infra/create-topics.ts --profile production
 *
 * The profile is `--profile <name>` or TOPICS_PROFILE, `local` (one copy) by default. On Kubernetes
 * the Strimzi topic operator creates the same topics from the KafkaTopic manifests instead.
 * Idempotent: existing topics are left as they are. Run by `deploy/local/infra.sh up` and `topics`.
 */
import { isTopicProfileName, TOPIC_PROFILES, topicSpecsFor, type TopicProfileName } from '@parchee/contracts';
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

/** `--profile <name>`, `--profile=<name>`, else TOPICS_PROFILE, else local. */
function profileFrom(argv: string[], env: NodeJS.ProcessEnv): TopicProfileName {
  let name = env.TOPICS_PROFILE || 'local';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--profile') {
      if (i + 1 >= argv.length) throw new Error('--profile needs a value');
      name = argv[++i];
    } else if (arg.startsWith('--profile=')) name = arg.slice('--profile='.length);
    else throw new Error(`unknown argument "${arg}" (expected --profile <${Object.keys(TOPIC_PROFILES).join('|')}>)`);
  }
  if (!isTopicProfileName(name)) throw new Error(`unknown topic profile "${name}" (expected ${Object.keys(TOPIC_PROFILES).join(' or ')})`);
  return name;
}

async function main(): Promise<void> {
  const profile = profileFrom(process.argv.slice(2), process.env);
  const specs = topicSpecsFor(profile);
  const { replicationFactor } = TOPIC_PROFILES[profile];
  const brokers = brokersFromEnv();
  const timeoutMs = timeoutFromEnv();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${brokers.join(',')} within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const { created } = await Promise.race([ensureTopics({ brokers, clientId: 'parchee-create-topics', replicationFactor }, specs), deadline]);
    const summary = specs.map((t) => `${t.name} (${t.partitions})`).join(', ');
    process.stdout.write(
      `topics ready on ${brokers.join(',')}: ${summary}; created ${created.length > 0 ? `${created.join(', ')} with ${replicationFactor} replica(s) (profile ${profile})` : 'none'}\n`,
    );
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
