import { MetricsRegistry } from '@parchee/observability';
import { registerRollVersionGauge } from './roll-version-gauge';

describe('parchee_roll_active_version', () => {
  it('reads the active version id at each scrape', async () => {
    const metrics = new MetricsRegistry('lookup');
    let id = 3;
    registerRollVersionGauge(metrics, async () => ({ id }));
    expect((await metrics.render()).body).toContain('parchee_roll_active_version{service="lookup"} 3');
    id = 4;
    expect((await metrics.render()).body).toContain('parchee_roll_active_version{service="lookup"} 4');
  });

  it('is 0 when PostgreSQL fails or does not answer in time', async () => {
    const failing = new MetricsRegistry('lookup');
    registerRollVersionGauge(failing, () => Promise.reject(new Error('down')));
    expect((await failing.render()).body).toContain('parchee_roll_active_version{service="lookup"} 0');

    const hanging = new MetricsRegistry('lookup');
    let release: () => void = () => undefined;
    registerRollVersionGauge(hanging, () => new Promise((resolve) => (release = () => resolve({ id: 9 }))), 20);
    expect((await hanging.render()).body).toContain('parchee_roll_active_version{service="lookup"} 0');
    release();
  });
});
