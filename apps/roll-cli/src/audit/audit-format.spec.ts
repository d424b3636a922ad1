import type { AuditRecord } from '@parchee/roll';
import { formatAuditReport, parseCnicArgument, parseMsisdnArgument, shortHash } from './audit-format';

function rec(at: string, msisdnByte: number, cnicByte: number | null, over: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: new Date(at),
    moId: `mo-${at}`,
    operator: 'jazz',
    channel: 'sms',
    msisdnHash: Buffer.alloc(32, msisdnByte),
    cnicHash: cnicByte === null ? null : Buffer.alloc(32, cnicByte),
    outcome: 'found',
    refusal: null,
    rollVersion: 3,
    ...over,
  };
}

describe('audit query formatting', () => {
  it('accepts a CNIC with or without dashes and refuses anything else', () => {
    expect(parseCnicArgument('35202-1234567-1')).toBe('3520212345671');
    expect(parseCnicArgument('3520212345671')).toBe('3520212345671');
    expect(() => parseCnicArgument('352021234567')).toThrow(/13-digit/);
    expect(() => parseCnicArgument('9520212345671')).toThrow(/13-digit/);
  });

  it('normalises a number the way ingress does before hashing it', () => {
    expect(parseMsisdnArgument('03001234567')).toBe('923001234567');
    expect(parseMsisdnArgument('+92 300 1234567')).toBe('923001234567');
    expect(parseMsisdnArgument('00923001234567')).toBe('923001234567');
    expect(() => parseMsisdnArgument('4915112345678')).toThrow(/Pakistani mobile/);
  });

  it('shows the first 8 hex digits of a hash only', () => {
    expect(shortHash(Buffer.from('ab12cd34ef56', 'hex'))).toBe('ab12cd34');
    expect(shortHash(null).trim()).toBe('-');
  });

  it("lists a CNIC's requests with the number hash and counts the distinct numbers", () => {
    const lines = formatAuditReport(
      [
        rec('2026-03-09T10:00:00Z', 0xaa, 1),
        rec('2026-03-09T11:00:00Z', 0xbb, 1, { outcome: 'refused', refusal: 'enumeration', rollVersion: null }),
        rec('2026-03-10T09:00:00Z', 0xaa, 1, { channel: 'ussd' }),
      ],
      'cnic',
      30,
    );
    expect(lines[0]).toMatch(/^time \(UTC\)\s+operator\s+channel\s+outcome\s+roll\s+msisdn hash$/);
    expect(lines[1]).toMatch(/^2026-03-09T10:00:00\.000Z\s+jazz\s+sms\s+found\s+3\s+aaaaaaaa$/);
    expect(lines[2]).toMatch(/^2026-03-09T11:00:00\.000Z\s+jazz\s+sms\s+refused:enumeration\s+-\s+bbbbbbbb$/);
    expect(lines[3]).toMatch(/^2026-03-10T09:00:00\.000Z\s+jazz\s+ussd\s+found\s+3\s+aaaaaaaa$/);
    expect(lines[4]).toBe('audit: 3 requests in the last 30 days, 2 distinct numbers');
  });

  it("lists a number's requests with the CNIC hash and counts distinct CNICs, ignoring requests without one", () => {
    const lines = formatAuditReport(
      [
        rec('2026-03-09T10:00:00Z', 1, 0x11),
        rec('2026-03-09T10:01:00Z', 1, 0x12),
        rec('2026-03-09T10:02:00Z', 1, null, { outcome: 'help', rollVersion: null }),
      ],
      'msisdn',
      7,
    );
    expect(lines[0]).toMatch(/cnic hash$/);
    expect(lines[3]).toMatch(/\ssms\s+help\s+-\s+-\s*$/);
    expect(lines[4]).toBe('audit: 3 requests in the last 7 days, 2 distinct CNICs');
  });
});
