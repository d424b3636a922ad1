import { intVar, kafkaConfig, pepperConfig, postgresConfig, readConfig, redisConfig, serviceConfig, type Env } from '@parchee/config';
import { Topics } from '@parchee/contracts';
import { protectionConfig } from '@parchee/protection';
import { hostname } from 'node:os';
import { z } from 'zod';

const lookupSettings = z
  .object({
    /**
     * Partitions of sms.mo.v2 processed at once: all twelve by default, so a fetch's batches are
     * processed side by side and commit in one transaction. They share one transactional producer:
     * the batches that finish while a transaction is in flight commit together in the next one.
     */
    LOOKUP_CONCURRENCY: intVar(12, 1, 64),
    /** How long to keep retrying an unavailable roll before answering "busy", ms. */
    LOOKUP_ROLL_RETRY_DEADLINE_MS: intVar(5000, 0, 60_000),
    /** How long a reply stays worth sending, ms. */
    LOOKUP_REPLY_TTL_MS: intVar(3600_000, 1000),
    /**
     * Unique per replica, and the same after the replica restarts: a restarted lookup then fences
     * the transactions its crashed predecessor left open at once. A new name would leave them open
     * until the transaction timeout, holding back every read-committed reader of their partitions.
     * Defaults to the host name (the pod or container name); two processes on one host must set it.
     */
    LOOKUP_INSTANCE_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .optional(),
    /** Upper bound of one fetch per MO partition, bytes: bigger fetches mean fewer, larger transactions. */
    LOOKUP_MAX_BYTES_PER_PARTITION: intVar(1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
    /**
     * Bytes of MOs a fetch waits for (over all the partitions it asks a broker for), unless
     * LOOKUP_FETCH_MAX_WAIT_MS passes first. A fetch that answers with the first record makes
     * batches of a few MOs at a steady rate, and transactions to match; 64 KiB makes far fewer,
     * fuller transactions for a little more delay (see docs/benchmarks.md, "Measurements behind
     * code choices"). At a high rate, or with any backlog, the bytes are there at once and it
     * changes nothing. 1 is the behaviour before this setting.
     */
    LOOKUP_FETCH_MIN_BYTES: intVar(64 * 1024, 1, 16 * 1024 * 1024),
    /**
     * Longest a fetch waits for LOOKUP_FETCH_MIN_BYTES, ms: what an MO can lose to the wait when
     * traffic is light, small next to the seconds a citizen waits for an SMS, and what an idle
     * lookup's long poll lasts (a stop waits for it). 5000 at most, inside a graceful stop's 10 s.
     */
    LOOKUP_FETCH_MAX_WAIT_MS: intVar(20, 1, 5000),
    /** Consumer group and topics; overridden only to isolate a benchmark from the live suite. */
    LOOKUP_GROUP_ID: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .default('parchee-lookup'),
    LOOKUP_MO_TOPIC: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .default(Topics.MO),
    LOOKUP_MT_TOPIC: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .default(Topics.MT),
  })
  .transform((e) => ({
    concurrency: e.LOOKUP_CONCURRENCY,
    rollRetryDeadlineMs: e.LOOKUP_ROLL_RETRY_DEADLINE_MS,
    replyTtlMs: e.LOOKUP_REPLY_TTL_MS,
    instanceId: e.LOOKUP_INSTANCE_ID ?? hostname(),
    maxBytesPerPartition: e.LOOKUP_MAX_BYTES_PER_PARTITION,
    fetchMinBytes: e.LOOKUP_FETCH_MIN_BYTES,
    fetchMaxWaitMs: e.LOOKUP_FETCH_MAX_WAIT_MS,
    groupId: e.LOOKUP_GROUP_ID,
    moTopic: e.LOOKUP_MO_TOPIC,
    mtTopic: e.LOOKUP_MT_TOPIC,
  }));

export function loadLookupConfig(env: Env = process.env) {
  return readConfig(
    {
      service: serviceConfig(9102),
      kafka: kafkaConfig,
      redis: redisConfig,
      postgres: postgresConfig,
      pepper: pepperConfig,
      lookup: lookupSettings,
      protection: protectionConfig,
    },
    env,
  );
}

export type LookupConfig = ReturnType<typeof loadLookupConfig>;
