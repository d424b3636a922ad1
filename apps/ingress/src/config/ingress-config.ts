import {
  boolVar,
  intVar,
  kafkaConfig,
  loadOperatorLinks,
  pepperConfig,
  readConfig,
  redisConfig,
  bindBudgetConfig,
  serviceConfig,
  type Env,
  type OperatorLinks,
} from '@parchee/config';
import { RedisKeys } from '@parchee/redis';
import { z } from 'zod';

/**
 * Recognising SMSC re-deliveries (docs/delivery-guarantees.md, "SMSC re-deliveries"). Redis is
 * asked with a short timeout of its own: a slow Redis must never hold an MO's response back.
 */
export const moDedupeConfig = z
  .object({
    /** Off only for tests that replay identical MOs on purpose; never in production. */
    INGRESS_MO_DEDUPE_ENABLED: boolVar(true),
    /** How long an MO's fingerprint is remembered: an identical MO within it is a re-delivery. */
    INGRESS_MO_DEDUPE_WINDOW_MS: intVar(600_000, 1_000, 86_400_000),
    /** Command timeout of the dedupe's own Redis client, ms. Past it the MO is published unchecked. */
    INGRESS_MO_DEDUPE_REDIS_TIMEOUT_MS: intVar(200, 10, 5_000),
    /**
     * How long ingress waits at start for the dedupe's Redis before it binds, ms. The first MOs on
     * new binds are mostly the SMSC's re-sends of what the previous process left unanswered: taken
     * before Redis can answer, they would be published unchecked and answered twice. Past it,
     * ingress binds anyway and checks from the moment Redis answers (fail open).
     */
    INGRESS_MO_DEDUPE_READY_TIMEOUT_MS: intVar(5_000, 0, 120_000),
    /** Prefix of every fingerprint key; the e2e suite gives each run its own. */
    INGRESS_MO_DEDUPE_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,64}$/)
      .default(RedisKeys.MO_SEEN),
  })
  .transform((e) => ({
    enabled: e.INGRESS_MO_DEDUPE_ENABLED,
    windowMs: e.INGRESS_MO_DEDUPE_WINDOW_MS,
    redisTimeoutMs: e.INGRESS_MO_DEDUPE_REDIS_TIMEOUT_MS,
    readyTimeoutMs: e.INGRESS_MO_DEDUPE_READY_TIMEOUT_MS,
    keyPrefix: e.INGRESS_MO_DEDUPE_KEY_PREFIX,
  }));

/**
 * Concatenated MOs, reassembled in Redis so parts reaching different binds or replicas join
 * (docs/delivery-guarantees.md, "Long messages"). Their client uses PARCHEE_REDIS_COMMAND_TIMEOUT_MS.
 */
export const moPartsConfig = z
  .object({
    /** How long a concatenated MO waits for its missing parts after its first arrived, ms; then it is given up and counted. */
    INGRESS_MO_PARTS_TIMEOUT_MS: intVar(60_000, 1_000, 3_600_000),
    /** Concatenated MOs waiting for parts, per operator, at most; a new one beyond it gives up the oldest. */
    INGRESS_MO_PARTS_MAX_PENDING: intVar(10_000, 1, 1_000_000),
  })
  .transform((e) => ({ timeoutMs: e.INGRESS_MO_PARTS_TIMEOUT_MS, maxPendingPerOperator: e.INGRESS_MO_PARTS_MAX_PENDING }));

export interface IngressConfig {
  service: { port: number; host: string; logLevel: string; prettyLogs: boolean };
  kafka: { brokers: string[]; clientId?: string };
  pepper: { pepper: string; next?: string };
  redis: { url: string; commandTimeoutMs: number };
  moDedupe: z.output<typeof moDedupeConfig>;
  moParts: z.output<typeof moPartsConfig>;
  bindBudget: z.output<typeof bindBudgetConfig>;
  links: OperatorLinks;
}

/** Read once at boot; the process refuses to start with a message naming each bad setting. */
export function loadIngressConfig(env: Env = process.env): IngressConfig {
  const base = readConfig(
    {
      service: serviceConfig(9101),
      kafka: kafkaConfig,
      pepper: pepperConfig,
      redis: redisConfig,
      moDedupe: moDedupeConfig,
      moParts: moPartsConfig,
      bindBudget: bindBudgetConfig,
    },
    env,
  );
  return { ...base, links: loadOperatorLinks(env) };
}
