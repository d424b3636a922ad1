import type { MetricsRegistry } from '@parchee/observability';

/**
 * Every metric ingress declares, declared once (docs/metrics.md has the catalogue). The others it
 * exposes are its libraries': parchee_redis_errors_total{use="mo_dedupe"|"mo_parts"} (@parchee/redis), the
 * bind and session metrics (@parchee/smpp), the health checks (@parchee/observability).
 */
export function createIngressMetrics(registry: MetricsRegistry) {
  return {
    received: registry.counter('parchee_mo_received_total', 'deliver_sm handled by ingress, by operator and outcome', ['operator', 'outcome']),
    refused: registry.counter('parchee_requests_refused_total', 'Requests refused, by operator and reason', ['operator', 'reason']),
    concatDropped: registry.counter(
      'parchee_mo_concat_dropped_total',
      'Concatenated MOs given up before they were whole, by operator and reason (timeout, pending_cap, total_changed, unreadable)',
      ['operator', 'reason'],
    ),
  };
}

export type IngressMetrics = ReturnType<typeof createIngressMetrics>;
