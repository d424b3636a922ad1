import { kafkaConfig, intVar, loadOperatorLinks, readConfig, redisConfig, serviceConfig, type Env, type OperatorLinks } from '@parchee/config';
import { z } from 'zod';

const deliveryConfig = z
  .object({
    /** How long egress keeps retrying a temporary submit error before leaving the batch uncommitted, ms. */
    EGRESS_RETRY_DEADLINE_MS: intVar(30_000, 0, 3600_000),
    /** How long the sent-MT ledger remembers an MT id, seconds. Longer than any replay could reach back. */
    EGRESS_SENT_TTL_SECONDS: intVar(3 * 24 * 3600, 60),
    /** Partitions of sms.mt.v1 handled at once. */
    EGRESS_CONCURRENCY: intVar(4, 1, 64),
  })
  .transform((e) => ({ retryDeadlineMs: e.EGRESS_RETRY_DEADLINE_MS, sentTtlSeconds: e.EGRESS_SENT_TTL_SECONDS, concurrency: e.EGRESS_CONCURRENCY }));

export interface EgressConfig {
  service: { port: number; host: string; logLevel: string; prettyLogs: boolean };
  kafka: { brokers: string[]; clientId?: string };
  redis: { url: string; commandTimeoutMs: number };
  delivery: { retryDeadlineMs: number; sentTtlSeconds: number; concurrency: number };
  links: OperatorLinks;
}

export function loadEgressConfig(env: Env = process.env): EgressConfig {
  const base = readConfig({ service: serviceConfig(9103), kafka: kafkaConfig, redis: redisConfig, delivery: deliveryConfig }, env);
  return { ...base, links: loadOperatorLinks(env) };
}
