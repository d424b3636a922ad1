import { LATENCY_BUCKETS, type MetricsRegistry } from '@parchee/observability';

/** Every metric lookup exposes, declared once (docs/metrics.md has the catalogue). */
export function createLookupMetrics(registry: MetricsRegistry) {
  return {
    cache: registry.counter('parchee_roll_cache_total', 'Roll cache results per CNIC', ['result']),
    replies: registry.counter('parchee_replies_total', 'Replies produced, by kind and operator', ['kind', 'operator']),
    batchSeconds: registry.histogram('parchee_lookup_batch_seconds', 'Time to understand and answer one batch of MOs', [], LATENCY_BUCKETS),
    refused: registry.counter('parchee_requests_refused_total', 'Requests refused, by operator and reason', ['operator', 'reason']),
    auditErrors: registry.counter('parchee_audit_write_errors_total', 'Batches whose audit rows could not be written (replies still sent)', []),
    transactions: registry.counter('parchee_kafka_transactions_total', 'Kafka transactions ended, by result (committed, failed)', ['result']),
    transactionBatches: registry.counter(
      'parchee_kafka_transaction_batches_total',
      'Consumed batches carried by Kafka transactions, by the result of their transaction',
      ['result'],
    ),
    consumerLag: registry.gauge('parchee_kafka_consumer_lag', 'Records not yet committed by a consumer group, per topic and partition', [
      'group',
      'topic',
      'partition',
    ]),
    lagErrors: registry.counter('parchee_kafka_lag_refresh_errors_total', 'Consumer lag refreshes that failed', ['group']),
  };
}

export type LookupMetrics = ReturnType<typeof createLookupMetrics>;
