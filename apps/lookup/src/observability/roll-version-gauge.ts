import type { MetricsRegistry } from '@parchee/observability';

/**
 * `parchee_roll_active_version`: the id of the roll version lookups answer from, read at scrape so
 * an activation shows within one scrape. 0 when no version is active or PostgreSQL does not answer
 * within `timeoutMs`: a scrape must never hang on the database.
 */
export function registerRollVersionGauge(metrics: MetricsRegistry, activeVersion: () => Promise<{ id: number } | null>, timeoutMs = 500): void {
  metrics.gauge('parchee_roll_active_version', 'Id of the active roll version; 0 when none or PostgreSQL cannot answer', [], async (gauge) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      const version = await Promise.race([activeVersion(), timeout]);
      gauge.set(version?.id ?? 0);
    } catch {
      gauge.set(0);
    } finally {
      clearTimeout(timer);
    }
  });
}
