import {
  bindBudgetConfig,
  kafkaConfig,
  type KafkaConfig,
  intVar,
  loadOperatorLinks,
  readConfig,
  redisConfig,
  serviceConfig,
  type Env,
  type OperatorLinks,
} from '@parchee/config';
import { z } from 'zod';
import { checkSubmitProfiles } from '../delivery/submit-profile';

const deliveryConfig = z
  .object({
    /** How long egress keeps retrying a temporary submit error before leaving the batch uncommitted, ms. */
    EGRESS_RETRY_DEADLINE_MS: intVar(30_000, 0, 3600_000),
    /** How long the sent-MT ledger remembers an MT id, seconds. Longer than any replay could reach back. */
    EGRESS_SENT_TTL_SECONDS: intVar(3 * 24 * 3600, 60),
    /**
     * Partitions of sms.mt.v1 handled at once: all twelve by default. kafkajs fetches again only
     * once every batch of a fetch is done, so partitions left waiting for a free slot cost their
     * MTs a whole batch's submit round trips (docs/benchmarks.md, "Measurements behind code choices").
     */
    EGRESS_CONCURRENCY: intVar(12, 1, 64),
    /**
     * How long a long reply's concatenation reference stays held for its number once taken, ms: no
     * other long reply to that number gets it meanwhile. Covers the parts' retries and the time a
     * handset (or the SMSC) waits for a missing part before giving up on the message.
     */
    EGRESS_CONCAT_REFERENCE_HOLD_MS: intVar(300_000, 10_000, 86_400_000),
  })
  .transform((e) => ({
    retryDeadlineMs: e.EGRESS_RETRY_DEADLINE_MS,
    sentTtlSeconds: e.EGRESS_SENT_TTL_SECONDS,
    concurrency: e.EGRESS_CONCURRENCY,
    concatReferenceHoldMs: e.EGRESS_CONCAT_REFERENCE_HOLD_MS,
  }));

export const receiptsConfig = z
  .object({
    /**
     * How long a submitted part's message id stays mapped to its MT after the part's validity
     * period ends, seconds: the map entry lives validity + margin. Receipts later than that count
     * as unmatched.
     */
    EGRESS_DLR_MAP_MARGIN_SECONDS: intVar(6 * 3600, 60, 7 * 24 * 3600),
    /** Replaced by EGRESS_DLR_MAP_MARGIN_SECONDS; refused, so a deployment that still sets it learns so at boot. */
    EGRESS_DLR_MAP_TTL_SECONDS: z
      .string()
      .optional()
      .refine((v) => v === undefined || v.trim() === '', {
        message: 'no longer read: a message id now stays mapped for its validity period plus EGRESS_DLR_MAP_MARGIN_SECONDS; remove it',
      }),
    /** How long an MT's delivery status (parchee:mt:status:<id>) is kept, seconds. */
    EGRESS_DLR_STATUS_TTL_SECONDS: intVar(3 * 24 * 3600, 60),
    /** Delay before the one re-lookup of a receipt whose id is not mapped yet, ms. */
    EGRESS_DLR_RETRY_DELAY_MS: intVar(500, 0, 60_000),
    /**
     * Receipts the broker gathers before answering egress's fetch of sms.dlr.v1, bytes (about 250
     * receipts in 64 KiB), unless EGRESS_DLR_FETCH_MAX_WAIT_MS passes first. A receipt can wait a
     * fraction of a second; a fetch answered at once for every few receipts costs the broker a
     * request each (docs/benchmarks.md, "Measurements behind code choices").
     */
    EGRESS_DLR_FETCH_MIN_BYTES: intVar(64 * 1024, 1, 16 * 1024 * 1024),
    /** Longest the broker holds a fetch of receipts for EGRESS_DLR_FETCH_MIN_BYTES, ms. */
    EGRESS_DLR_FETCH_MAX_WAIT_MS: intVar(250, 1, 5000),
  })
  .transform((e) => ({
    mapMarginSeconds: e.EGRESS_DLR_MAP_MARGIN_SECONDS,
    statusTtlSeconds: e.EGRESS_DLR_STATUS_TTL_SECONDS,
    retryDelayMs: e.EGRESS_DLR_RETRY_DELAY_MS,
    fetchMinBytes: e.EGRESS_DLR_FETCH_MIN_BYTES,
    fetchMaxWaitMs: e.EGRESS_DLR_FETCH_MAX_WAIT_MS,
  }));

const throttleConfig = z
  .object({
    /** Egress replicas sharing each operator's TPS: while Redis is unreachable each allows tps / this. */
    EGRESS_REPLICAS_HINT: intVar(1, 1, 1000),
    /**
     * After ESME_RTHROTTLED the operator's link sends nothing for this long (every replica), and
     * the refused submit_sm (or one answered ESME_RMSGQFUL) is retried no sooner, ms.
     */
    EGRESS_THROTTLED_BACKOFF_MS: intVar(1000, 0, 60_000),
    /** After a throttled link's pause, the share of its TPS it regains each second (its rate halved at the pause), percent. */
    EGRESS_THROTTLE_RECOVERY_PERCENT_PER_SECOND: intVar(10, 1, 100),
  })
  .transform((e) => ({
    replicasHint: e.EGRESS_REPLICAS_HINT,
    throttledBackoffMs: e.EGRESS_THROTTLED_BACKOFF_MS,
    recoveryPercentPerSecond: e.EGRESS_THROTTLE_RECOVERY_PERCENT_PER_SECOND,
  }));

export interface EgressConfig {
  service: { port: number; host: string; logLevel: string; prettyLogs: boolean };
  kafka: KafkaConfig;
  redis: { url: string; commandTimeoutMs: number };
  delivery: { retryDeadlineMs: number; sentTtlSeconds: number; concurrency: number; concatReferenceHoldMs: number };
  receipts: { mapMarginSeconds: number; statusTtlSeconds: number; retryDelayMs: number; fetchMinBytes: number; fetchMaxWaitMs: number };
  throttle: { replicasHint: number; throttledBackoffMs: number; recoveryPercentPerSecond: number };
  bindBudget: { leaseMs: number; replicasHint: number; owner: string };
  links: OperatorLinks;
}

export function loadEgressConfig(env: Env = process.env): EgressConfig {
  const base = readConfig(
    {
      service: serviceConfig(9103),
      kafka: kafkaConfig,
      redis: redisConfig,
      delivery: deliveryConfig,
      receipts: receiptsConfig,
      throttle: throttleConfig,
      bindBudget: bindBudgetConfig,
    },
    env,
  );
  const links = loadOperatorLinks(env);
  // The statuses a link names as temporary are resolved against the SMPP table here, at boot.
  checkSubmitProfiles(links.operators);
  return { ...base, links };
}
