import { LATENCY_BUCKETS, type MetricsRegistry } from '@parchee/observability';

/** What `parchee_smpp_in_flight` is sampled from at each scrape: the transmitter pool. */
export interface InFlightSource {
  inFlightByOperator(): Map<string, number>;
}

/**
 * Every metric egress exposes, declared once (docs/metrics.md has the catalogue). The binds' and
 * Redis client's own metrics are declared by libs/smpp and libs/redis.
 */
export function createEgressMetrics(registry: MetricsRegistry) {
  return {
    submitted: registry.counter('parchee_mt_submitted_total', 'MTs handled by egress, by operator and outcome', ['operator', 'outcome']),
    retries: registry.counter('parchee_mt_submit_retries_total', 'Temporary submit failures retried, by operator and reason', ['operator', 'reason']),
    smscThrottled: registry.counter('parchee_smpp_throttled_total', 'submit_sm answered ESME_RTHROTTLED by the operator', ['operator']),
    transceiverDeliveries: registry.counter(
      'parchee_transceiver_deliveries_total',
      'deliver_sm taken on egress transceiver binds: receipt outcomes, and mo_refused (an MO or USSD step sent back with ESME_RX_T_APPN for ingress to take)',
      ['operator', 'outcome'],
    ),
    endToEnd: registry.histogram(
      'parchee_end_to_end_latency_seconds',
      'MO received by ingress to the last submit_sm_resp of its reply',
      ['operator'],
      LATENCY_BUCKETS,
    ),
    tpsLimit: registry.gauge('parchee_operator_tps_limit', 'Configured submit TPS of each operator link', ['operator']),
    throttleWait: registry.histogram(
      'parchee_throttle_wait_seconds',
      'Time a submit_sm part waited for a token of its operator TPS',
      ['operator'],
      LATENCY_BUCKETS,
    ),
    throttleFallbacks: registry.counter('parchee_throttle_fallback_total', 'TPS slots asked of the local share because Redis could not answer', ['operator']),
    throttleSlowDowns: registry.counter(
      'parchee_throttle_slowdowns_total',
      'ESME_RTHROTTLED answers that slowed the operator link (pause, half rate, then recovery; once per pause at most takes effect)',
      ['operator'],
    ),
    receipts: registry.counter('parchee_dlr_total', 'Delivery receipts read by egress, by operator and state', ['operator', 'state']),
    unmatched: registry.counter('parchee_dlr_unmatched_total', 'Delivery receipts for a message id egress has not mapped', ['operator']),
    consumerLag: registry.gauge('parchee_kafka_consumer_lag', 'Records not yet committed by a consumer group, per topic and partition', [
      'group',
      'topic',
      'partition',
    ]),
    lagErrors: registry.counter('parchee_kafka_lag_refresh_errors_total', 'Consumer lag refreshes that failed', ['group']),
    /**
     * `parchee_smpp_in_flight`, sampled from the pool at each scrape: registered once the pool
     * exists (egress-components.ts), since the registry attaches a gauge's sampler only when it
     * creates the gauge.
     */
    sampleInFlight: (pool: InFlightSource) =>
      registry.gauge(
        'parchee_smpp_in_flight',
        'Requests in the SMPP window or queued for it, per operator and direction',
        ['operator', 'direction'],
        (gauge) => {
          for (const [operator, n] of pool.inFlightByOperator()) gauge.set({ operator, direction: 'transmitter' }, n);
        },
      ),
  };
}

export type EgressMetrics = ReturnType<typeof createEgressMetrics>;
