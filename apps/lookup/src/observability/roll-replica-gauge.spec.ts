import { MetricsRegistry } from '@parchee/observability';
import type { RollReplicaView } from '@parchee/roll';
import { registerRollReplicaGauge } from './roll-replica-gauge';

describe('parchee_roll_replicas', () => {
  it('counts the replicas in each state at each scrape, every state present', async () => {
    const metrics = new MetricsRegistry('lookup');
    let views: RollReplicaView[] = [];
    registerRollReplicaGauge(metrics, () => views);
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
  });
});
