import { intVar, kafkaConfig, pepperConfig, postgresConfig, readConfig, redisConfig, serviceConfig, type Env } from '@parchee/config';
import { Topics } from '@parchee/contracts';
import { protectionConfig } from '@parchee/protection';
import { RedisKeys } from '@parchee/redis';
import { minimumScreenLimits } from '@parchee/ussd';
import { z } from 'zod';

const DAY_S = 86_400;
const minimum = minimumScreenLimits();

/**
 * The USSD service's own settings (docs/operations.md). The transports' per-link settings (vendor
 * profiles, gateways) will come with the transports; the screen limits here are every link's
 * until then.
 */
export const ussdSettings = z
  .object({
    /** How long a dialog lives after its last step: the networks' USSD session limit. */
    USSD_SESSION_TTL_SECONDS: intVar(180, 10, 3600),
    /** How long a number's chosen language is remembered after it last chose. */
    USSD_LANGUAGE_TTL_DAYS: intVar(180, 1, 3650),
    /**
     * Command timeout of the service's Redis clients (the sessions' and the request guard's, whose
     * PROTECTION_REDIS_TIMEOUT_MS is lookup's batch budget), ms: a live screen cannot wait long.
     */
    USSD_REDIS_TIMEOUT_MS: intVar(200, 10, 5000),
    /** How long a step holds its session against copies of itself, ms; longer than any step takes. */
    USSD_STEP_CLAIM_MS: intVar(3000, 100, 30_000),
    /** How long a lookup keeps retrying an unavailable roll before the busy ending, ms. */
    USSD_ROLL_RETRY_DEADLINE_MS: intVar(400, 0, 5000),
    /** How long an answer waits for its lookup's audit row, ms; past it the row is written after the answer. */
    USSD_AUDIT_WAIT_MS: intVar(250, 0, 5000),
    /** The short code "send this to me by SMS" comes from. */
    USSD_SMS_SHORT_CODE: z
      .string()
      .regex(/^\d{3,8}$/, 'three to eight digits')
      .default('8300'),
    /** How long that SMS stays worth sending, ms (egress dead-letters it after). */
    USSD_SMS_TTL_MS: intVar(3600_000, 1000, 7 * DAY_S * 1000),
    /** How long handing that SMS to Kafka may take before the busy ending, ms. */
    USSD_SMS_PUBLISH_TIMEOUT_MS: intVar(700, 100, 10_000),
    /** Screen limits: septets of an all-GSM 7-bit screen, UTF-16 units of any other. */
    USSD_SCREEN_GSM7: intVar(182, minimum.gsm7, 1000),
    USSD_SCREEN_UCS2: intVar(80, minimum.ucs2, 1000),
    /** Wrong inputs in a row on one screen that end the dialog. */
    USSD_MAX_BAD_INPUTS: intVar(3, 1, 20),
    /** Prefix of every session and language key; the e2e suite gives each run its own. */
    USSD_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,64}$/)
      .default(RedisKeys.USSD),
    /** Topic "send by SMS" goes to; overridden only to isolate a test. */
    USSD_MT_TOPIC: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .default(Topics.MT),
  })
  .transform((e) => ({
    sessionTtlMs: e.USSD_SESSION_TTL_SECONDS * 1000,
    languageTtlMs: e.USSD_LANGUAGE_TTL_DAYS * DAY_S * 1000,
    redisTimeoutMs: e.USSD_REDIS_TIMEOUT_MS,
    claimMs: e.USSD_STEP_CLAIM_MS,
    rollRetryDeadlineMs: e.USSD_ROLL_RETRY_DEADLINE_MS,
    auditWaitMs: e.USSD_AUDIT_WAIT_MS,
    smsShortCode: e.USSD_SMS_SHORT_CODE,
    smsTtlMs: e.USSD_SMS_TTL_MS,
    smsPublishTimeoutMs: e.USSD_SMS_PUBLISH_TIMEOUT_MS,
    menu: { limits: { gsm7: e.USSD_SCREEN_GSM7, ucs2: e.USSD_SCREEN_UCS2 }, maxBadInputs: e.USSD_MAX_BAD_INPUTS },
    keyPrefix: e.USSD_KEY_PREFIX,
    mtTopic: e.USSD_MT_TOPIC,
  }));

/**
 * Read once at boot; the process refuses to start with a message naming each bad setting. Redis,
 * PostgreSQL, the pepper and the protection settings are read exactly as lookup reads them: the
 * two services share the roll, the guard's state and the audit trail.
 */
export function loadUssdConfig(env: Env = process.env) {
  return readConfig(
    {
      service: serviceConfig(9104),
      kafka: kafkaConfig,
      redis: redisConfig,
      postgres: postgresConfig,
      pepper: pepperConfig,
      protection: protectionConfig,
      ussd: ussdSettings,
    },
    env,
  );
}

export type UssdConfig = ReturnType<typeof loadUssdConfig>;
