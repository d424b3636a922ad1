import { ConfigError, DEFAULT_CLIENT_SUBMIT, type ClientOperatorLink, type ClientSubmitSettings } from '@parchee/config';
import { testClientLink, testServerLink } from '@parchee/config/testing';
import { CommandStatus, parseAbsoluteTime } from '@parchee/smpp';
import { checkSubmitProfiles, formatDestination, resolveSubmitProfile, validityPeriod } from './submit-profile';

function clientLink(submit: Partial<ClientSubmitSettings> = {}, id = 'jazz'): ClientOperatorLink {
  return testClientLink({ id, port: 2775, password: 'pw', submit: { ...DEFAULT_CLIENT_SUBMIT, ...submit } });
}

describe('resolveSubmitProfile', () => {
  it('resolves a link without a submit block to the fields egress has always sent', () => {
    expect(resolveSubmitProfile(clientLink())).toEqual({
      sourceTon: 3,
      sourceNpi: 0,
      destTon: 1,
      destNpi: 1,
      destFormat: 'international',
      validity: { kind: 'relative' },
      registeredDelivery: 1,
      serviceType: '',
      dataCoding0: 'gsm7',
      retriableStatuses: new Set(),
    });
  });

  it('resolves temporary statuses written as names or numbers to command_status values', () => {
    const profile = resolveSubmitProfile(clientLink({ retriableStatuses: ['ESME_RSUBMITFAIL', 0x400, 'ESME_RX_P_APPN'] }));
    expect(profile.retriableStatuses).toEqual(new Set([CommandStatus.ESME_RSUBMITFAIL, 0x400, CommandStatus.ESME_RX_P_APPN]));
  });

  it('refuses a status name that SMPP 3.4 does not have, naming the link and key', () => {
    const resolve = () => resolveSubmitProfile(clientLink({ retriableStatuses: [0x58, 'ESME_RTHROTLED'] }));
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(/operators\.jazz\.submit\.retriableStatuses\.1: ESME_RTHROTLED is no SMPP 3\.4 command_status name/);
  });

  it('turns an absolute validity’s UTC offset into quarter hours', () => {
    expect(resolveSubmitProfile(clientLink({ validity: 'absolute', validityUtcOffset: '+05:00' })).validity).toEqual({
      kind: 'absolute',
      offsetQuarterHours: 20,
    });
    expect(resolveSubmitProfile(clientLink({ validity: 'absolute', validityUtcOffset: '-03:30' })).validity).toEqual({
      kind: 'absolute',
      offsetQuarterHours: -14,
    });
  });

  it('asks no validity and no receipt of a server-mode link, whose replies go out as deliver_sm', () => {
    const profile = resolveSubmitProfile(testServerLink({ submit: { ...testServerLink().submit, destFormat: 'national', destTon: 2, dataCoding0: 'latin1' } }));
    expect(profile).toMatchObject({ validity: { kind: 'none' }, registeredDelivery: 0, destFormat: 'national', destTon: 2, dataCoding0: 'latin1' });
  });
});

describe('checkSubmitProfiles', () => {
  it('reports the problems of every link at once', () => {
    const links = [clientLink({ retriableStatuses: ['ESME_RNOPE'] }), clientLink({}, 'zong'), clientLink({ retriableStatuses: ['ESME_RALSO'] }, 'ufone')];
    expect(() => checkSubmitProfiles(links)).toThrow(/operators\.jazz\.submit\.retriableStatuses\.0[\s\S]*operators\.ufone\.submit\.retriableStatuses\.0/);
    expect(() => checkSubmitProfiles([clientLink()])).not.toThrow();
  });
});

describe('formatDestination', () => {
  it('writes an international number nationally without, or with, the trunk zero', () => {
    expect(formatDestination('923001234567', 'national')).toBe('3001234567');
    expect(formatDestination('923001234567', 'national-trunk')).toBe('03001234567');
  });

  it('cannot write nationally a number without the country code', () => {
    expect(formatDestination('443001234567', 'national')).toBeNull();
    expect(formatDestination('92', 'national-trunk')).toBeNull();
  });
});

describe('validityPeriod', () => {
  const now = Date.UTC(2026, 2, 15, 19, 45, 30);

  it('never asks the SMSC to keep a part for less than a second, even past the reply’s expiry', () => {
    expect(validityPeriod({ kind: 'relative' }, now - 5000, now)).toBe('000000000001000R');
    expect(parseAbsoluteTime(validityPeriod({ kind: 'absolute', offsetQuarterHours: 20 }, now - 5000, now) ?? '').getTime()).toBe(now + 1000);
  });

  it('names the expiry moment itself in an absolute validity, whatever the offset', () => {
    for (const offset of [-14, 0, 20]) {
      expect(parseAbsoluteTime(validityPeriod({ kind: 'absolute', offsetQuarterHours: offset }, now + 60_000, now) ?? '').getTime()).toBe(now + 60_000);
    }
  });

  it('leaves the validity to the SMSC when the profile says none', () => {
    expect(validityPeriod({ kind: 'none' }, now + 60_000, now)).toBeUndefined();
  });
});
