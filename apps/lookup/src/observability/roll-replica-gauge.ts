import type { MetricsRegistry } from '@parchee/observability';
import type { RollReplicaState, RollReplicaView } from '@parchee/roll';

const STATES: RollReplicaState[] = ['serving', 'behind', 'unavailable'];

/**
 * `parchee_roll_replicas{state}`: the configured read replicas by state against the active version,
 * sampled at scrape from what the router last saw (no query of its own): `serving`, `behind` (its
 * reads of the active version go to the primary until it replays it), `unavailable`. Every state is
 * always present (0 when none), so an alert on `behind` or `unavailable` never waits for a series.
 */
export function registerRollReplicaGauge(metrics: MetricsRegistry, replicas: () => RollReplicaView[]): void {
  metrics.gauge('parchee_roll_replicas', 'Configured PostgreSQL read replicas by state against the active roll version', ['state'], (gauge) => {
    const views = replicas();
    for (const state of STATES) gauge.set({ state }, views.filter((v) => v.state === state).length);
  });
}
