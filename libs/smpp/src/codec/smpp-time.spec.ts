import { SmppError } from '../errors/smpp-error';
import { MAX_RELATIVE_TIME_MS, formatAbsoluteTime, formatRelativeTime, parseAbsoluteTime, parseRelativeTime, parseSmppTime, readSmppTime } from './smpp-time';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

describe('SMPP relative time', () => {
  it('formats thirty minutes as 000000003000000R', () => {
    expect(formatRelativeTime(30 * MIN)).toBe('000000003000000R');
  });

  it('reads the spec example 020610233429000R as 2 years 6 months 10 days 23:34:29', () => {
    const ms = parseRelativeTime('020610233429000R');
    expect(ms).toBe(2 * 360 * DAY + 6 * 30 * DAY + 10 * DAY + 23 * 60 * MIN + 34 * MIN + 29_000);
    expect(formatRelativeTime(ms)).toBe('020610233429000R');
  });

  it('rounds down to whole seconds so the SMSC never keeps a message longer than asked', () => {
    expect(formatRelativeTime(59_999)).toBe('000000000059000R');
    expect(formatRelativeTime(0)).toBe('000000000000000R');
  });

  it('carries days into months of 30 days and months into years of 12', () => {
    expect(formatRelativeTime(45 * DAY + 1_000)).toBe('000115000001000R');
    expect(formatRelativeTime(400 * DAY)).toBe('010110000000000R');
  });

  it('caps at the longest duration the format can hold', () => {
    expect(formatRelativeTime(Number.MAX_SAFE_INTEGER)).toBe('991129235959000R');
    expect(parseRelativeTime('991129235959000R')).toBe(MAX_RELATIVE_TIME_MS);
  });

  it('refuses a negative duration and malformed relative strings', () => {
    expect(() => formatRelativeTime(-1)).toThrow(RangeError);
    expect(() => parseRelativeTime('000000003000001R')).toThrow(SmppError);
    expect(() => parseRelativeTime('00000000300000R')).toThrow(/relative time/);
  });
});

describe('SMPP absolute time', () => {
  it('reads local time with its offset in quarter hours: +20 is Pakistan Standard Time', () => {
    expect(parseAbsoluteTime('240101120000020+').toISOString()).toBe('2024-01-01T07:00:00.000Z');
  });

  it('reads tenths of a second and offsets behind UTC', () => {
    expect(parseAbsoluteTime('991231235959716-').toISOString()).toBe('2100-01-01T03:59:59.700Z');
    expect(parseAbsoluteTime('050607080910300+').toISOString()).toBe('2005-06-07T08:09:10.300Z');
  });

  it('formats a moment in a chosen offset and reads it back to the same moment', () => {
    const at = new Date('2026-03-15T19:45:30.250Z');
    expect(formatAbsoluteTime(at)).toBe('260315194530200+');
    expect(formatAbsoluteTime(at, 20)).toBe('260316004530220+');
    expect(formatAbsoluteTime(at, -16)).toBe('260315154530216-');
    expect(parseAbsoluteTime(formatAbsoluteTime(at, 20)).getTime()).toBe(at.getTime() - 50);
  });

  it('refuses impossible dates, out-of-range fields and offsets', () => {
    for (const bad of ['230230120000000+', '231301120000000+', '230101240000000+', '230101120000049+', '230101120000000R', '2301011200000+']) {
      expect(() => parseAbsoluteTime(bad)).toThrow(SmppError);
    }
    expect(() => formatAbsoluteTime(new Date(), 49)).toThrow(RangeError);
  });
});

describe('parseSmppTime', () => {
  it('tells the two formats apart and reads the empty string as not set', () => {
    expect(parseSmppTime('')).toBeNull();
    expect(parseSmppTime('000000003000000R')).toEqual({ kind: 'relative', ms: 30 * MIN });
    expect(parseSmppTime('240101120000020+')).toEqual({ kind: 'absolute', at: new Date('2024-01-01T07:00:00Z') });
  });
});

describe('readSmppTime, for a time field as a peer sent it', () => {
  it('reads both 16-character forms, spaces around them ignored', () => {
    expect(readSmppTime('000000003000000R')).toEqual({ kind: 'relative', ms: 30 * MIN });
    expect(readSmppTime(' 250101120000000+  ')).toEqual({ kind: 'absolute', at: new Date(Date.UTC(2025, 0, 1, 12)) });
  });

  it.each([
    ['empty', ''],
    ['12 characters (no tenths or offset)', '250101120000'],
    ['15 characters (no sign)', '250101120000000'],
    ['17 characters', '2501011200000000+'],
    ['out of range', '251301120000000+'],
    ['not a time at all', 'tomorrow'],
  ])('takes a time that is %s as not set instead of failing', (_name, value) => {
    expect(readSmppTime(value)).toBeNull();
  });
});
