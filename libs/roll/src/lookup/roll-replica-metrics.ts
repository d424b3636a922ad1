import type { MetricsRegistry } from '@parchee/observability';
import type { ReplicaFallbackReason, RollReadRouter, RollReplicaState } from './roll-read-router';

const REASONS: ReplicaFallbackReason[] = ['unavailable', 'behind'];
const STATES: RollReplicaState[] = ['serving', 'behind', 'unavailable'];

/**
 * The read replicas' metrics, declared here, once, as libs/redis declares its errors:
 * - `parchee_roll_replica_fallbacks_total{reason}`: roll reads that went to the primary although
 *   replicas are configured (`unavailable`: no replica answered; `behind`: none had replayed the
 *   version read yet);
 * - `parchee_roll_replicas{state}`: the configured replicas by state against the active version,
 *   as the router last saw them; a scrape also starts the checks that are due (not waiting for
 *   them: a scrape never waits on a database), so an idle lookup's gauge moves too.
 * Every label value is present from the start (0), so an alert never waits for a series to appear.
 * Returns what the router's observer calls for each fallback.
 */
export function registerRollReplicaMetrics(
  metrics: MetricsRegistry,
  router: Pick<RollReadRouter, 'replicaViews' | 'checkReplicas'>,
): (reason: ReplicaFallbackReason) => void {
  const fallbacks = metrics.counter(
    'parchee_roll_replica_fallbacks_total',
    'Roll reads that went to the primary although read replicas are configured, by reason (unavailable, behind)',
    ['reason'],
  );
  for (const reason of REASONS) fallbacks.inc({ reason }, 0);
  metrics.gauge('parchee_roll_replicas', 'Configured PostgreSQL read replicas by state against the active roll version', ['state'], (gauge) => {
    void router.checkReplicas();
    const views = router.replicaViews();
    for (const state of STATES) gauge.set({ state }, views.filter((v) => v.state === state).length);
  });
  return (reason) => fallbacks.inc({ reason });
}
