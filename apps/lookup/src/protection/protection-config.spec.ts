import { loadLookupConfig } from '../config/lookup-config';

const base = { PARCHEE_PEPPER: 'unit-test-pepper-0123456789abcdef' };

describe('protection settings', () => {
  it('defaults to 5 lookups an hour, 20 a day and 3 distinct CNICs a day', () => {
    const { protection } = loadLookupConfig(base);
    expect(protection).toMatchObject({ enabled: true, keyPrefix: 'parchee:guard:' });
    expect(protection.limits).toMatchObject({ perHour: 5, perDay: 20, maxDistinctCnics: 3, distinctWindowMs: 86_400_000, scanStrikes: 3 });
  });

  it('reads every limit from the environment', () => {
    const { protection } = loadLookupConfig({
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
    expect(() => loadLookupConfig({ ...base, PROTECTION_LOOKUPS_PER_HOUR: '0' })).toThrow(/PROTECTION_LOOKUPS_PER_HOUR/);
  });
});
