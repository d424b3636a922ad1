import type { MetricsRegistry } from '../metrics/metrics-registry';
import type { HealthRegistry } from './health-registry';

/**
 * Publishes every readiness check as `parchee_health_check_up{check}` (1 usable, 0 not), evaluated
 * at scrape time, so an alert can say which dependency (Redis, Kafka, a bind) made a service unready.
 */
export function exposeHealthChecks(metrics: MetricsRegistry, health: HealthRegistry): void {
  metrics.gauge('parchee_health_check_up', 'Readiness checks evaluated at scrape: 1 usable, 0 not', ['check'], async (gauge) => {
    const report = await health.report();
    gauge.reset();
    for (const [check, ok] of Object.entries(report.checks)) gauge.set({ check }, ok ? 1 : 0);
  });
}
