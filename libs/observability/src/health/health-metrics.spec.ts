import { MetricsRegistry } from '../metrics/metrics-registry';
import { exposeHealthChecks } from './health-metrics';
import { HealthRegistry } from './health-registry';

describe('exposeHealthChecks', () => {
  it('publishes each readiness check as 1 or 0 at scrape time', async () => {
    const metrics = new MetricsRegistry('test');
    const health = new HealthRegistry(50);
    let redisUp = true;
    health.register({ name: 'redis', check: () => redisUp });
    health.register({ name: 'kafka', check: () => false });
    exposeHealthChecks(metrics, health);

    let body = (await metrics.render()).body;
    expect(body).toContain('parchee_health_check_up{check="redis",service="test"} 1');
    expect(body).toContain('parchee_health_check_up{check="kafka",service="test"} 0');

    redisUp = false;
    body = (await metrics.render()).body;
    expect(body).toContain('parchee_health_check_up{check="redis",service="test"} 0');
  });
});

describe('MetricsRegistry.gauge with a collect function', () => {
  it('samples the value at each scrape', async () => {
    const metrics = new MetricsRegistry('test');
    let inFlight = 3;
    metrics.gauge('parchee_test_in_flight', 'test', ['operator'], (g) => g.set({ operator: 'jazz' }, inFlight));
    expect((await metrics.render()).body).toContain('parchee_test_in_flight{operator="jazz",service="test"} 3');
    inFlight = 7;
    expect((await metrics.render()).body).toContain('parchee_test_in_flight{operator="jazz",service="test"} 7');
  });
});
