import { intVar, kafkaConfig, pepperConfig, postgresConfig, readConfig, redisConfig, serviceConfig, type Env } from '@parchee/config';
import { Topics } from '@parchee/contracts';
import { hostname } from 'node:os';
import { z } from 'zod';
import { protectionConfig } from '../protection/protection-config';

const lookupSettings = z
  .object({
    /** Partitions of sms.mo.v2 processed at once, each with its own transactional producer. */
    LOOKUP_CONCURRENCY: intVar(4, 1, 64),
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
    LOOKUP_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
    /** Upper bound of one fetch per MO partition, bytes: bigger fetches mean fewer, larger transactions. */
    LOOKUP_MAX_BYTES_PER_PARTITION: intVar(1024 * 1024, 16 * 1024, 64 * 1024 * 1024),
    /** Consumer group and topics; overridden only to isolate a benchmark from the live suite. */
    LOOKUP_GROUP_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).default('parchee-lookup'),
    LOOKUP_MO_TOPIC: z.string().regex(/^[A-Za-z0-9._-]+$/).default(Topics.MO),
    LOOKUP_MT_TOPIC: z.string().regex(/^[A-Za-z0-9._-]+$/).default(Topics.MT),
  })
  .transform((e) => ({
    concurrency: e.LOOKUP_CONCURRENCY,
    rollRetryDeadlineMs: e.LOOKUP_ROLL_RETRY_DEADLINE_MS,
    replyTtlMs: e.LOOKUP_REPLY_TTL_MS,
    instanceId: e.LOOKUP_INSTANCE_ID ?? hostname(),
    maxBytesPerPartition: e.LOOKUP_MAX_BYTES_PER_PARTITION,
    groupId: e.LOOKUP_GROUP_ID,
    moTopic: e.LOOKUP_MO_TOPIC,
    mtTopic: e.LOOKUP_MT_TOPIC,
  }));

export function loadLookupConfig(env: Env = process.env) {
  return readConfig(
    { service: serviceConfig(9102), kafka: kafkaConfig, redis: redisConfig, postgres: postgresConfig, pepper: pepperConfig, lookup: lookupSettings, protection: protectionConfig },
    env,
  );
}

export type LookupConfig = ReturnType<typeof loadLookupConfig>;
