import { randomBytes } from 'node:crypto';
import { MetricsRegistry, silentLogger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { loadLookupConfig } from '../config/lookup-config';
import { createRequestGuard } from './request-guard-factory';

const pepper = 'int-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(pepper);

describe('createRequestGuard against real Redis', () => {
  it('returns no guard when protection is disabled', () => {
    const config = loadLookupConfig({ PARCHEE_PEPPER: pepper, PROTECTION_ENABLED: 'false' });
    expect(createRequestGuard(config, { logger: silentLogger, metrics: new MetricsRegistry('lookup') })).toBeNull();
  });

  it('limits with the configured settings and starts every seen operator\'s alert series at 0', async () => {
    const config = loadLookupConfig({ PARCHEE_PEPPER: pepper, PROTECTION_LOOKUPS_PER_HOUR: '1', PROTECTION_KEY_PREFIX: `parchee:test:factory:${randomBytes(4).toString('hex')}:` });
    const metrics = new MetricsRegistry('lookup');
    const handle = createRequestGuard(config, { logger: silentLogger, metrics })!;
    try {
      expect(await handle.ready(2000)).toBe(true);
      const near = (cnic: string) => hasher.cnicNeighbourhood(cnic, 1000).map((m) => KeyedHasher.text(m)) as [string, string];
      const req = (cnic: string) => ({ msisdn: '923339900201', operator: 'telenor', cnicHash: hasher.cnic(cnic), near: near(cnic) });
      expect(await handle.guard.check([req('3520212345671'), req('3520212345671')])).toEqual(['allow', 'rate_limited']);
      const body = (await metrics.render()).body;
      for (const kind of ['distinct', 'scan', 'operator_spike']) expect(body).toMatch(new RegExp(`parchee_enumeration_alerts_total\\{operator="telenor",kind="${kind}"[^}]*\\} 0\\n`));
    } finally {
      await handle.close();
    }
  });
});
