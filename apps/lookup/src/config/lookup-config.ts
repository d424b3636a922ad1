import { intVar, kafkaConfig, pepperConfig, postgresConfig, readConfig, redisConfig, serviceConfig, type Env } from '@parchee/config';
import { hostname } from 'node:os';
import { z } from 'zod';

const lookupSettings = z
  .object({
    /** Partitions of sms.mo.v1 processed at once, each with its own transactional producer. */
    LOOKUP_CONCURRENCY: intVar(4, 1, 64),
    /** How long to keep retrying an unavailable roll before answering "busy", ms. */
    LOOKUP_ROLL_RETRY_DEADLINE_MS: intVar(5000, 0, 60_000),
    /** How long a reply stays worth sending, ms. */
    LOOKUP_REPLY_TTL_MS: intVar(3600_000, 1000),
    /** Unique per replica: Kafka fences transactional ids, two replicas must not share one. */
    LOOKUP_INSTANCE_ID: z.string().regex(/^[A-Za-z0-9._-]+$/).optional(),
  })
  .transform((e) => ({
    concurrency: e.LOOKUP_CONCURRENCY,
    rollRetryDeadlineMs: e.LOOKUP_ROLL_RETRY_DEADLINE_MS,
    replyTtlMs: e.LOOKUP_REPLY_TTL_MS,
    instanceId: e.LOOKUP_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
  }));

export function loadLookupConfig(env: Env = process.env) {
  return readConfig(
    { service: serviceConfig(9102), kafka: kafkaConfig, redis: redisConfig, postgres: postgresConfig, pepper: pepperConfig, lookup: lookupSettings },
    env,
  );
}

export type LookupConfig = ReturnType<typeof loadLookupConfig>;
