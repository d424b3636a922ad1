import { MetricsRegistry } from '@parchee/observability';
import type { RollReplicaView } from './roll-read-router';
import { registerRollReplicaMetrics } from './roll-replica-metrics';

describe('read replica metrics', () => {
  it('counts the replicas in each state at each scrape, every state present', async () => {
    const metrics = new MetricsRegistry('lookup');
    let views: RollReplicaView[] = [];
    let checks = 0;
    registerRollReplicaMetrics(metrics, { replicaViews: () => views, checkReplicas: async () => void checks++ });
    let body = (await metrics.render()).body;
    expect(body).toContain('parchee_roll_replicas{state="serving",service="lookup"} 0');
    expect(body).toContain('parchee_roll_replicas{state="unavailable",service="lookup"} 0');

    views = [
      { name: 'a:5432', usable: true, versions: [1, 2], state: 'serving' },
      { name: 'b:5432', usable: true, versions: [1], state: 'behind' },
      { name: 'c:5432', usable: false, versions: [], state: 'unavailable' },
      { name: 'd:5432', usable: true, versions: [1, 2], state: 'serving' },
    ];
    body = (await metrics.render()).body;
    expect(body).toContain('parchee_roll_replicas{state="serving",service="lookup"} 2');
    expect(body).toContain('parchee_roll_replicas{state="behind",service="lookup"} 1');
    expect(body).toContain('parchee_roll_replicas{state="unavailable",service="lookup"} 1');
    expect(checks).toBe(2); // each scrape started the checks that were due
  });

  it('counts fallbacks to the primary by reason, both reasons present from the start', async () => {
    const metrics = new MetricsRegistry('lookup');
    const fellBack = registerRollReplicaMetrics(metrics, { replicaViews: () => [], checkReplicas: async () => undefined });
    expect((await metrics.render()).body).toContain('parchee_roll_replica_fallbacks_total{reason="behind",service="lookup"} 0');
    fellBack('unavailable');
    fellBack('unavailable');
    fellBack('behind');
    const body = (await metrics.render()).body;
    expect(body).toContain('parchee_roll_replica_fallbacks_total{reason="unavailable",service="lookup"} 2');
    expect(body).toContain('parchee_roll_replica_fallbacks_total{reason="behind",service="lookup"} 1');
  });
});
