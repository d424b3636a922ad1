import { pepperConfig, readConfig, type Env } from '@parchee/config';
import { protectionConfig } from './protection-config';

/** The settings as a service reads them at boot (lookup and ussd both take this fragment). */
const loadConfig = (env: Env) => readConfig({ pepper: pepperConfig, protection: protectionConfig }, env);

const base = { PARCHEE_PEPPER: 'unit-test-pepper-0123456789abcdef' };

describe('protection settings', () => {
  it('defaults to 5 lookups an hour, 20 a day and 3 distinct CNICs a day', () => {
    const { protection } = loadConfig(base);
    expect(protection).toMatchObject({ enabled: true, keyPrefix: 'parchee:guard:' });
    expect(protection.limits).toMatchObject({ perHour: 5, perDay: 20, maxDistinctCnics: 3, distinctWindowMs: 86_400_000, scanStrikes: 3 });
  });

  it('reads every limit from the environment', () => {
    const { protection } = loadConfig({
      ...base,
      PROTECTION_LOOKUPS_PER_HOUR: '7',
      PROTECTION_LOOKUPS_PER_DAY: '30',
      PROTECTION_MAX_DISTINCT_CNICS: '9',
      PROTECTION_BLOCK_SECONDS: '60',
      PROTECTION_ENABLED: 'false',
    });
    expect(protection).toMatchObject({ enabled: false, limits: { perHour: 7, perDay: 30, maxDistinctCnics: 9, blockMs: 60_000 } });
  });

  it('names the bad key', () => {
    expect(() => loadConfig({ ...base, PROTECTION_LOOKUPS_PER_HOUR: '0' })).toThrow(/PROTECTION_LOOKUPS_PER_HOUR/);
  });
});
