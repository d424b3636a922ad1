import { randomBytes } from 'node:crypto';
import { MetricsRegistry, silentLogger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { deleteMatching, keysMatching, testRedis, testRedisUrl } from '@parchee/redis/testing';
import { pepperConfig, readConfig, redisConfig, type Env } from '@parchee/config';
import { protectionConfig } from '../config/protection-config';
import { createRequestGuard } from './request-guard-factory';

const pepper = 'int-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(pepper);
/** What createRequestGuard takes from a service's configuration (lookup's and ussd's both have it). */
const loadConfig = (env: Env) => readConfig({ redis: redisConfig, pepper: pepperConfig, protection: protectionConfig }, env);

describe('createRequestGuard against real Redis', () => {
  it('returns no guard when protection is disabled', () => {
    const config = loadConfig({ PARCHEE_PEPPER: pepper, PROTECTION_ENABLED: 'false' });
    expect(createRequestGuard(config, { logger: silentLogger, metrics: new MetricsRegistry('lookup') })).toBeNull();
  });

  it("limits with the configured settings, keeps one state key for the number, and starts every seen operator's alert series at 0", async () => {
    const prefix = `parchee:test:factory:${randomBytes(4).toString('hex')}:`;
    const config = loadConfig({ PARCHEE_PEPPER: pepper, PARCHEE_REDIS_URL: testRedisUrl(), PROTECTION_LOOKUPS_PER_HOUR: '1', PROTECTION_KEY_PREFIX: prefix });
    const redis = testRedis(config.redis.url, { maxRetriesPerRequest: 0 });
    const metrics = new MetricsRegistry('lookup');
    const handle = createRequestGuard(config, { logger: silentLogger, metrics })!;
    try {
      expect(await handle.ready(2000)).toBe(true);
      const near = (cnic: string) => hasher.cnicNeighbourhood(cnic, 1000).map((m) => KeyedHasher.text(m)) as [string, string];
      const req = (cnic: string) => ({ msisdn: '923339900201', operator: 'telenor', cnicHash: hasher.cnic(cnic), near: near(cnic) });
      const { verdicts, stored } = await handle.guard.decide([req('3520212345671'), req('3520212345671')]);
      expect(verdicts).toEqual(['allow', 'rate_limited']);
      // The state key below is there once the write-back is stored, as before the batch commits.
      await stored;
      const body = (await metrics.render()).body;
      for (const kind of ['distinct', 'scan', 'operator_spike'])
        expect(body).toMatch(new RegExp(`parchee_enumeration_alerts_total\\{operator="telenor",kind="${kind}"[^}]*\\} 0\\n`));
      // One client for both, its error series started at 0 (libs/redis declares the metric).
      for (const use of ['request_guard', 'reply_cap']) expect(body).toMatch(new RegExp(`parchee_redis_errors_total\\{use="${use}"[^}]*\\} 0\\n`));
      const keys = (await keysMatching(redis, `${prefix}*`)).sort();
      expect(keys).toEqual([expect.stringMatching(/operator:telenor:\d+$/), `${prefix}state:${KeyedHasher.text(hasher.msisdn('923339900201'))}`]);
      // A lookup decided alone (the USSD service's) counts against the same number's limit, and
      // starts its operator's alert series too.
      expect(await handle.guard.decideAlone(req('3520212345671'))).toBe('rate_limited');
      expect(await handle.guard.decideAlone({ ...req('3520212345671'), msisdn: '923339900202', operator: 'sco' })).toBe('allow');
      expect((await metrics.render()).body).toMatch(/parchee_enumeration_alerts_total\{operator="sco",kind="scan"[^}]*\} 0\n/);
    } finally {
      await handle.close();
      // The machine's Redis (database 0) outlives the test: leave nothing behind.
      await deleteMatching(redis, `${prefix}*`);
      await redis.quit();
    }
  });
});
