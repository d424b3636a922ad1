import type { MetricsRegistry } from '@parchee/observability';

/**
 * What Redis is used for: the `use` label of `parchee_redis_errors_total`. Each use fails open in
 * its own way (see its call site): the MO is published unchecked (`mo_dedupe`), the roll is read
 * from PostgreSQL (`roll_cache`), lookups are allowed unchecked (`request_guard`), every help and
 * invalid reply goes out (`reply_cap`), the MT is sent (`sent_ledger`), a receipt goes unmatched
 * (`dlr_map`), a long reply goes with the concatenation reference its id gives it (`mt_concat`).
 * Two uses do not fail open: a part of a concatenated MO that cannot be stored is refused with a
 * temporary error, and the SMSC delivers it again (`mo_parts`); a USSD dialog step whose session
 * cannot be read or stored is answered with the busy ending (`ussd_session`).
 */
export const REDIS_USES = ['mo_dedupe', 'mo_parts', 'roll_cache', 'request_guard', 'reply_cap', 'sent_ledger', 'dlr_map', 'mt_concat', 'ussd_session'] as const;
export type RedisUse = (typeof REDIS_USES)[number];

export const REDIS_ERRORS_METRIC = 'parchee_redis_errors_total';

/** `parchee_redis_errors_total{use}`, declared here and nowhere else; the registry returns the same counter to every client. */
export function redisErrorCounter(metrics: MetricsRegistry) {
  return metrics.counter(
    REDIS_ERRORS_METRIC,
    'Redis commands that failed or timed out, by use; a client that cannot connect also counts once per interval under each of its uses',
    ['use'],
  );
}
