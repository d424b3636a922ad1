import { boolVar, intVar } from '@parchee/config';
import { RedisKeys } from '@parchee/redis';
import { z } from 'zod';

const HOUR_S = 3600;

/**
 * Rate limits and anti-enumeration (docs/protection.md). Every limit is per MSISDN, counted in
 * Redis and so shared by every lookup replica.
 */
export const protectionConfig = z
  .object({
    /** Off only for benchmarks that replay one number; never in production. */
    PROTECTION_ENABLED: boolVar(true),
    /** Lookups one number may make in any hour. */
    PROTECTION_LOOKUPS_PER_HOUR: intVar(5, 1, 1_000_000),
    /** Lookups one number may make in any 24 hours. */
    PROTECTION_LOOKUPS_PER_DAY: intVar(20, 1, 10_000_000),
    /** Distinct CNICs one number may ask about in the distinct window; one more blocks it. */
    PROTECTION_MAX_DISTINCT_CNICS: intVar(3, 1, 1_000_000),
    // Seconds, not less than 1: end-to-end tests shrink it to show a slow scan outlasting it.
    PROTECTION_DISTINCT_WINDOW_SECONDS: intVar(24 * HOUR_S, 1, 30 * 24 * HOUR_S),
    /** Close steps in a row that make a scan. */
    PROTECTION_SCAN_STRIKES: intVar(3, 1, 1000),
    /** How long the previous CNIC's marks are remembered for the scan test; long enough for slow scans. */
    PROTECTION_SCAN_MEMORY_SECONDS: intVar(7 * 24 * HOUR_S, 60, 90 * 24 * HOUR_S),
    /** How long a number found enumerating is refused. */
    PROTECTION_BLOCK_SECONDS: intVar(24 * HOUR_S, 1, 365 * 24 * HOUR_S),
    /**
     * The loop breaker: help and not-understood replies one number may get per clock hour and per
     * UTC day; past them its help and invalid requests get no reply (docs/protection.md).
     */
    PROTECTION_HELP_REPLIES_PER_HOUR: intVar(5, 1, 1_000_000),
    PROTECTION_HELP_REPLIES_PER_DAY: intVar(20, 1, 10_000_000),
    /** Distinct CNICs per operator per minute above which parchee_enumeration_alerts_total counts a spike. */
    PROTECTION_OPERATOR_DISTINCT_PER_MINUTE: intVar(600, 1, 100_000_000),
    /** ECP test numbers that are never limited: comma-separated MSISDNs or hmac:<hash>. */
    PROTECTION_ALLOWLIST: z.string().optional(),
    /** The same, one entry a line, from a file (a mounted secret). */
    PROTECTION_ALLOWLIST_FILE: z.string().optional(),
    /**
     * Command timeout of the guard's own Redis client, ms. Longer than the roll cache's: a batch of
     * thousands runs as several scripts, and a timeout lets the whole batch through unchecked.
     */
    PROTECTION_REDIS_TIMEOUT_MS: intVar(1000, 10, 60_000),
    /** Prefix of every guard key; the e2e suite gives each run its own so runs do not limit each other. */
    PROTECTION_KEY_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9:._-]{1,64}$/)
      .default(RedisKeys.GUARD),
  })
  .transform((e) => ({
    enabled: e.PROTECTION_ENABLED,
    limits: {
      perHour: e.PROTECTION_LOOKUPS_PER_HOUR,
      perDay: e.PROTECTION_LOOKUPS_PER_DAY,
      maxDistinctCnics: e.PROTECTION_MAX_DISTINCT_CNICS,
      distinctWindowMs: e.PROTECTION_DISTINCT_WINDOW_SECONDS * 1000,
      scanStrikes: e.PROTECTION_SCAN_STRIKES,
      scanMemoryMs: e.PROTECTION_SCAN_MEMORY_SECONDS * 1000,
      blockMs: e.PROTECTION_BLOCK_SECONDS * 1000,
      operatorDistinctPerMinute: e.PROTECTION_OPERATOR_DISTINCT_PER_MINUTE,
    },
    replyCap: { perHour: e.PROTECTION_HELP_REPLIES_PER_HOUR, perDay: e.PROTECTION_HELP_REPLIES_PER_DAY },
    allowlist: e.PROTECTION_ALLOWLIST,
    allowlistFile: e.PROTECTION_ALLOWLIST_FILE,
    keyPrefix: e.PROTECTION_KEY_PREFIX,
    redisTimeoutMs: e.PROTECTION_REDIS_TIMEOUT_MS,
  }));

export type ProtectionConfig = z.output<typeof protectionConfig>;
