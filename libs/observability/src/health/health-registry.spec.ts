import { HealthRegistry } from './health-registry';

describe('HealthRegistry', () => {
  it('is ready only when every check passes', async () => {
    const health = new HealthRegistry();
    health.register({ name: 'kafka', check: () => true });
    health.register({ name: 'redis', check: async () => false });
    expect(await health.report()).toEqual({ ready: false, checks: { kafka: true, redis: false } });
  });

  it('counts a check that throws as not ready instead of failing the probe', async () => {
    const health = new HealthRegistry();
    health.register({
      name: 'postgres',
      check: async () => {
        throw new Error('down');
      },
    });
    expect((await health.report()).checks.postgres).toBe(false);
  });

  it('counts a check that hangs as not ready after the timeout', async () => {
    const health = new HealthRegistry(20);
    health.register({ name: 'smpp', check: () => new Promise<boolean>(() => undefined) });
    expect((await health.report()).ready).toBe(false);
  });
});
