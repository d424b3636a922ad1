import { loadLookupConfig } from './lookup-config';

const base = { PARCHEE_PEPPER: 'unit-test-pepper-0123456789abcdef' };

describe('lookup fetch settings', () => {
  it('waits for 64 KiB of MOs or 20 ms by default, so a steady trickle still makes batches worth a transaction', () => {
    expect(loadLookupConfig(base).lookup).toMatchObject({ fetchMinBytes: 65_536, fetchMaxWaitMs: 20 });
  });

  it('takes 1 byte (answer with the first record) and a longer wait from the environment', () => {
    expect(loadLookupConfig({ ...base, LOOKUP_FETCH_MIN_BYTES: '1', LOOKUP_FETCH_MAX_WAIT_MS: '1000' }).lookup).toMatchObject({
      fetchMinBytes: 1,
      fetchMaxWaitMs: 1000,
    });
  });

  it('refuses a wait that would outlast a graceful stop, and a zero byte bound', () => {
    expect(() => loadLookupConfig({ ...base, LOOKUP_FETCH_MAX_WAIT_MS: '6000' })).toThrow(/LOOKUP_FETCH_MAX_WAIT_MS/);
    expect(() => loadLookupConfig({ ...base, LOOKUP_FETCH_MIN_BYTES: '0' })).toThrow(/LOOKUP_FETCH_MIN_BYTES/);
  });
});

describe('lookup protection settings', () => {
  it('reads the protection fragment (libs/protection) with the rest of its configuration', () => {
    const { protection } = loadLookupConfig({ ...base, PROTECTION_LOOKUPS_PER_HOUR: '7' });
    expect(protection).toMatchObject({ enabled: true, keyPrefix: 'parchee:guard:', limits: { perHour: 7, perDay: 20 } });
    expect(() => loadLookupConfig({ ...base, PROTECTION_LOOKUPS_PER_HOUR: '0' })).toThrow(/PROTECTION_LOOKUPS_PER_HOUR/);
  });
});
