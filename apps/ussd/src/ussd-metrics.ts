import { LATENCY_BUCKETS, type MetricsRegistry } from '@parchee/observability';

/** Every metric the USSD service exposes, declared once (docs/metrics.md has the catalogue). */
export function createUssdMetrics(registry: MetricsRegistry) {
  return {
    sessionsBegun: registry.counter('parchee_ussd_sessions_begun_total', 'USSD dialogs begun, by operator and transport', ['operator', 'transport']),
    sessionsEnded: registry.counter(
      'parchee_ussd_sessions_ended_total',
      'USSD dialogs ended, by operator, transport and outcome (completed, aborted, timed_out)',
      ['operator', 'transport', 'outcome'],
    ),
    steps: registry.counter('parchee_ussd_steps_total', 'USSD dialog steps answered, by operator, transport and result (answered, replayed, busy)', [
      'operator',
      'transport',
      'result',
    ]),
    stepSeconds: registry.histogram(
      'parchee_ussd_step_seconds',
      'Time to answer one USSD dialog step, lookup included, by operator and transport',
      ['operator', 'transport'],
      LATENCY_BUCKETS,
    ),
    sms: registry.counter('parchee_ussd_sms_total', '"Send by SMS" requests, by operator and result (produced on sms.mt.v1, failed)', ['operator', 'result']),
    // The same series lookup exposes, under service="ussd": the dashboards and alerts add both channels.
    refused: registry.counter('parchee_requests_refused_total', 'Requests refused, by operator and reason', ['operator', 'reason']),
    auditErrors: registry.counter('parchee_audit_write_errors_total', 'Batches whose audit rows could not be written (replies still sent)', []),
    cache: registry.counter('parchee_roll_cache_total', 'Roll cache results per CNIC', ['result']),
  };
}

export type UssdMetrics = ReturnType<typeof createUssdMetrics>;
