import { minimumScreenLimits } from '@parchee/ussd';
import { loadUssdConfig } from './ussd-config';

const base = { PARCHEE_PEPPER: 'unit-test-pepper-0123456789abcdef' };

describe('ussd settings', () => {
  it('defaults to the networks’ 180 s dialogs, 182 GSM 7-bit and 80 UCS-2 screens, and port 9104', () => {
    const config = loadUssdConfig(base);
    expect(config.service.port).toBe(9104);
    expect(config.ussd).toMatchObject({
      sessionTtlMs: 180_000,
      redisTimeoutMs: 200,
      claimMs: 3000,
      rollRetryDeadlineMs: 400,
      smsShortCode: '8300',
      keyPrefix: 'parchee:ussd:',
      mtTopic: 'sms.mt.v1',
      menu: { limits: { gsm7: 182, ucs2: 80 }, maxBadInputs: 3 },
    });
  });

  it('reads the pepper, the roll, Redis and the protection settings as lookup does', () => {
    const config = loadUssdConfig({ ...base, PROTECTION_LOOKUPS_PER_HOUR: '7', PARCHEE_DATABASE_URL: 'postgres://roll@db:5432/parchee' });
    expect(config.pepper.pepper).toBe(base.PARCHEE_PEPPER);
    expect(config.protection.limits.perHour).toBe(7);
    expect(config.postgres.url).toBe('postgres://roll@db:5432/parchee');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('refuses screens smaller than the menu’s fixed screens need, a bad short code and a missing pepper, naming each', () => {
    const { ucs2 } = minimumScreenLimits();
    expect(() => loadUssdConfig({ ...base, USSD_SCREEN_UCS2: String(ucs2 - 1) })).toThrow(/USSD_SCREEN_UCS2/);
    expect(loadUssdConfig({ ...base, USSD_SCREEN_UCS2: String(ucs2) }).ussd.menu.limits.ucs2).toBe(ucs2);
    expect(() => loadUssdConfig({ ...base, USSD_SMS_SHORT_CODE: '83OO' })).toThrow(/USSD_SMS_SHORT_CODE/);
    expect(() => loadUssdConfig({})).toThrow(/PARCHEE_PEPPER/);
  });
});
