import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { z } from 'zod';
import { ConfigError } from '../env/config-error';
import { boolVar, intVar } from '../env/read-config';
import { parseRedisAddress } from './redis-address';

/**
 * Kafka brokers and client settings. The consumer and transaction timings decide how soon a crashed
 * replica's work moves on (docs/operations.md, "Kafka client settings"): its partitions go to
 * another member (or to its own restart) once the coordinator has heard nothing for the session
 * timeout, and a transaction it left open holds back read-committed readers until the transaction
 * timeout, unless its restart fences it first.
 */
export const kafkaConfig = z
  .object({
    KAFKA_BROKERS: z.string().default('127.0.0.1:9092'),
    KAFKA_CLIENT_ID: z.string().optional(),
    /**
     * How long the group coordinator waits for a silent consumer before giving its partitions to
     * another member: after a kill -9 the partitions stay unread this long. The broker refuses a
     * session below its group.min.session.timeout.ms (Kafka's default 6 s; Parchee's brokers allow 1 s).
     */
    KAFKA_SESSION_TIMEOUT_MS: intVar(3000, 1000, 300_000),
    /** How often a consumer tells the coordinator it is alive, also from inside a long batch; at most a third of the session. */
    KAFKA_HEARTBEAT_INTERVAL_MS: intVar(500, 100, 100_000),
    /** How long a rebalance waits for the live members to join again (each finishes its batch in hand first); at least the session. */
    KAFKA_REBALANCE_TIMEOUT_MS: intVar(60_000, 1000, 600_000),
    /**
     * Longest a lookup transaction may stay open before the broker aborts it. A transaction left
     * open by a replica that crashed and is not restarted (another replica takes its partitions)
     * holds back egress's read-committed reads of the partitions it wrote this long, plus the
     * broker's abort sweep (transaction.abort.timed.out.transaction.cleanup.interval.ms, 1 s on
     * Parchee's brokers). Transactions take tens to hundreds of ms; one the broker aborts is read again.
     */
    KAFKA_TRANSACTION_TIMEOUT_MS: intVar(4000, 1000, 900_000),
    /** Longest an offset commit may take before the consumer joins its group again as a new one (a coordinator that is gone). */
    KAFKA_COMMIT_TIMEOUT_MS: intVar(10_000, 1000, 300_000),
  })
  .transform((e) => ({
    brokers: e.KAFKA_BROKERS.split(',')
      .map((b) => b.trim())
      .filter(Boolean),
    clientId: e.KAFKA_CLIENT_ID,
    sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
    heartbeatIntervalMs: e.KAFKA_HEARTBEAT_INTERVAL_MS,
    rebalanceTimeoutMs: e.KAFKA_REBALANCE_TIMEOUT_MS,
    transactionTimeoutMs: e.KAFKA_TRANSACTION_TIMEOUT_MS,
    commitTimeoutMs: e.KAFKA_COMMIT_TIMEOUT_MS,
  }))
  .refine((c) => c.brokers.every((b) => /^[^:\s]+:\d+$/.test(b)), {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
    path: ['KAFKA_BROKERS'],
  })
  // Two heartbeats may be lost before the session is: a third of it at most.
  .refine((c) => c.heartbeatIntervalMs * 3 <= c.sessionTimeoutMs, {
    message: 'must be at most a third of KAFKA_SESSION_TIMEOUT_MS',
    path: ['KAFKA_HEARTBEAT_INTERVAL_MS'],
  })
  .refine((c) => c.rebalanceTimeoutMs >= c.sessionTimeoutMs, {
    message: 'must be at least KAFKA_SESSION_TIMEOUT_MS',
    path: ['KAFKA_REBALANCE_TIMEOUT_MS'],
  });

export type KafkaConfig = z.output<typeof kafkaConfig>;

/**
 * Redis, the cache and shared-state store. Commands time out fast: Redis must never stall a reply.
 * PARCHEE_REDIS_URL names one server (`redis://`, `rediss://`) or a Redis Cluster by some of its
 * nodes (`redis-cluster://host:port,host:port`, `rediss-cluster://`): parseRedisAddress. The URL
 * goes on as it is; libs/redis reads it again with the same parser to choose its client.
 */
export const redisConfig = z
  .object({
    PARCHEE_REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    PARCHEE_REDIS_COMMAND_TIMEOUT_MS: intVar(250, 10, 60_000),
  })
  .superRefine((e, ctx) => {
    try {
      parseRedisAddress(e.PARCHEE_REDIS_URL);
    } catch (err) {
      const problem = err instanceof ConfigError ? err.problems[0].replace(/^PARCHEE_REDIS_URL: /, '') : String(err);
      ctx.addIssue({ code: 'custom', path: ['PARCHEE_REDIS_URL'], message: problem });
    }
  })
  .transform((e) => ({ url: e.PARCHEE_REDIS_URL, commandTimeoutMs: e.PARCHEE_REDIS_COMMAND_TIMEOUT_MS }));

/**
 * Operator bind counts as a budget for all replicas together: each link's `receiverBinds` (ingress)
 * or `transmitterBinds` (egress) are numbered slots leased through Redis, split fairly among the
 * live replicas. 0 turns the budget off: every replica opens every bind, as one replica does.
 */
export const bindBudgetConfig = z
  .object({
    /** How long a replica's bind slots outlive its last renewal (a crashed replica's are free after it), ms. */
    PARCHEE_BIND_LEASE_MS: intVar(10_000, 0, 600_000),
    /** Replicas expected: while Redis cannot be asked at start, a replica opens its share of each link's binds. */
    PARCHEE_BIND_REPLICAS_HINT: intVar(1, 1, 1000),
    /**
     * This replica's name among those sharing the budget. Default: the host name, which a pod
     * keeps across container restarts, so a restarted replica takes its own slots back at once
     * instead of waiting out their lease. Two replicas on one host need names of their own.
     */
    PARCHEE_BIND_OWNER: z.string().min(1).max(200).optional(),
  })
  .transform((e) => ({ leaseMs: e.PARCHEE_BIND_LEASE_MS, replicasHint: e.PARCHEE_BIND_REPLICAS_HINT, owner: e.PARCHEE_BIND_OWNER ?? hostname() }));

/**
 * PostgreSQL, where the roll lives: the primary (`url`), which takes every write (audit trail,
 * migrations, imports, activations), and optionally read replicas (hot standbys) that lookup's roll
 * reads go to. `readReplicas` are full URLs; an entry given as `host:port` takes the user, password,
 * database and parameters of PARCHEE_DATABASE_URL. None (the default): every read from the primary.
 */
export const postgresConfig = z
  .object({
    PARCHEE_DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/parchee'),
    PARCHEE_DATABASE_POOL_SIZE: intVar(10, 1, 200),
    PARCHEE_DATABASE_READ_REPLICAS: z.string().optional(),
    PARCHEE_DATABASE_READ_REPLICAS_FILE: z.string().optional(),
  })
  .refine((e) => /^postgres(ql)?:\/\//.test(e.PARCHEE_DATABASE_URL), {
    message: 'must be a postgres:// URL',
    path: ['PARCHEE_DATABASE_URL'],
  })
  .transform((e, ctx) => {
    // A file, because an entry may be a URL with a password in it (a mounted secret).
    const list = secretVar(
      { PARCHEE_DATABASE_READ_REPLICAS: e.PARCHEE_DATABASE_READ_REPLICAS, PARCHEE_DATABASE_READ_REPLICAS_FILE: e.PARCHEE_DATABASE_READ_REPLICAS_FILE },
      'PARCHEE_DATABASE_READ_REPLICAS',
      ctx,
    );
    const readReplicas = readReplicaUrls(list ?? '', e.PARCHEE_DATABASE_URL, ctx);
    return { url: e.PARCHEE_DATABASE_URL, poolSize: e.PARCHEE_DATABASE_POOL_SIZE, readReplicas };
  });

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

/**
 * The replica list as URLs. Problems name the entry by its position, never by its text: an entry
 * may carry a password.
 */
function readReplicaUrls(list: string, primaryUrl: string, ctx: z.RefinementCtx): string[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const urls: string[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, i) => {
    const problem = (message: string) => ctx.addIssue({ code: 'custom', path: ['PARCHEE_DATABASE_READ_REPLICAS'], message: `entry ${i + 1}: ${message}` });
    let url: URL;
    if (/^postgres(ql)?:\/\//.test(entry)) {
      if (!URL.canParse(entry)) return problem('not a valid postgres:// URL');
      url = new URL(entry);
    } else {
      const m = HOST_PORT.exec(entry);
      const port = m ? Number(m[2]) : 0;
      if (!m || port < 1 || port > 65535) return problem('must be host:port or a postgres:// URL');
      if (!URL.canParse(primaryUrl)) return; // PARCHEE_DATABASE_URL's own problem is reported for it
      url = new URL(primaryUrl);
      url.hostname = m[1];
      url.port = String(port);
    }
    if (!url.hostname) return problem('names no host');
    const where = `${url.hostname}:${url.port || '5432'}${url.pathname}`;
    if (seen.has(where)) return problem('names the same server and database as an earlier entry');
    seen.add(where);
    urls.push(url.toString());
  });
  return urls;
}

/** A secret from the environment, or from a file (a mounted secret) when the variable is unset. */
function secretVar(e: Record<string, string | undefined>, name: string, ctx: z.RefinementCtx): string | undefined {
  const direct = e[name];
  if (direct) return direct;
  const file = e[`${name}_FILE`];
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: [`${name}_FILE`], message: `cannot read ${file}: ${(err as Error).message}` });
    return undefined;
  }
}

/**
 * The secret pepper for keyed hashes of CNICs and MSISDNs, from the environment or a file
 * (a mounted secret). Never from the repository.
 *
 * `next` is set only while the pepper is being rotated (docs/operations.md, "Rotating the
 * pepper"): ingress then hashes each CNIC under both, so the lookup can answer from a roll
 * version keyed with either while the re-keyed version is imported and activated.
 */
export const pepperConfig = z
  .object({
    PARCHEE_PEPPER: z.string().optional(),
    PARCHEE_PEPPER_FILE: z.string().optional(),
    PARCHEE_PEPPER_NEXT: z.string().optional(),
    PARCHEE_PEPPER_NEXT_FILE: z.string().optional(),
  })
  .transform((e, ctx) => {
    const pepper = secretVar(e, 'PARCHEE_PEPPER', ctx);
    const next = secretVar(e, 'PARCHEE_PEPPER_NEXT', ctx);
    if (!pepper) {
      if (!e.PARCHEE_PEPPER_FILE)
        ctx.addIssue({ code: 'custom', path: ['PARCHEE_PEPPER'], message: 'set PARCHEE_PEPPER or PARCHEE_PEPPER_FILE (a secret of at least 16 bytes)' });
      return z.NEVER;
    }
    if (Buffer.byteLength(pepper) < 16) {
      ctx.addIssue({ code: 'custom', path: ['PARCHEE_PEPPER'], message: 'must be at least 16 bytes' });
      return z.NEVER;
    }
    if (next !== undefined) {
      if (Buffer.byteLength(next) < 16) {
        ctx.addIssue({ code: 'custom', path: ['PARCHEE_PEPPER_NEXT'], message: 'must be at least 16 bytes' });
        return z.NEVER;
      }
      if (next === pepper) {
        ctx.addIssue({ code: 'custom', path: ['PARCHEE_PEPPER_NEXT'], message: 'must differ from PARCHEE_PEPPER (unset it when no rotation is under way)' });
        return z.NEVER;
      }
    }
    if (e.PARCHEE_PEPPER_NEXT_FILE && next === undefined) return z.NEVER;
    return next === undefined ? { pepper } : { pepper, next };
  });

/** The HTTP port for /metrics and /health, and logging. */
export const serviceConfig = (defaultPort: number) =>
  z
    .object({
      PORT: intVar(defaultPort, 0, 65535),
      HOST: z.string().default('127.0.0.1'),
      LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      LOG_PRETTY: boolVar(false),
    })
    .transform((e) => ({ port: e.PORT, host: e.HOST, logLevel: e.LOG_LEVEL, prettyLogs: e.LOG_PRETTY }));
