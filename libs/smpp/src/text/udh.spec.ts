import { buildConcatUdh, parseUdh } from './udh';
import { SmsTextError } from './sms-text-error';

describe('user data header', () => {
  it('builds the golden bytes of an 8-bit reference concat UDH', () => {
    expect(buildConcatUdh(0x2a, 3, 2).toString('hex')).toBe('050003' + '2a0302');
  });

  it('builds the golden bytes of a 16-bit reference concat UDH', () => {
    expect(buildConcatUdh(0x1234, 3, 1, 16).toString('hex')).toBe('060804' + '12340301');
  });

  it('rejects references and part numbers that do not fit', () => {
    expect(() => buildConcatUdh(256, 2, 1, 8)).toThrow(SmsTextError);
    expect(() => buildConcatUdh(1, 2, 3, 8)).toThrow(SmsTextError);
    expect(() => buildConcatUdh(1, 256, 1, 16)).toThrow(SmsTextError);
    expect(() => buildConcatUdh(1, 2, 0, 16)).toThrow(SmsTextError);
  });

  it('parses an 8-bit concat element and returns the payload after the header', () => {
    const msg = Buffer.from('0500032a0302' + '0041', 'hex');
    const parsed = parseUdh(msg);
    expect(parsed?.udh.concat).toEqual({ ref: 0x2a, total: 3, seq: 2, refBits: 8 });
    expect(parsed?.udh.length).toBe(6);
    expect(parsed?.payload.toString('hex')).toBe('0041');
  });

  it('parses a 16-bit concat element', () => {
    const parsed = parseUdh(Buffer.from('06080412340302' + '68', 'hex'));
    expect(parsed?.udh.concat).toEqual({ ref: 0x1234, total: 3, seq: 2, refBits: 16 });
    expect(parsed?.payload.toString('hex')).toBe('68');
  });

  it('skips unknown elements around the concat element', () => {
    // Application port addressing (0x05, 4 octets) before the concat element.
    const parsed = parseUdh(Buffer.from('0b' + '050423f40000' + '000307' + '0201' + 'ff', 'hex'));
    expect(parsed?.udh.concat).toEqual({ ref: 7, total: 2, seq: 1, refBits: 8 });
    expect(parsed?.udh.elements.map((e) => e.iei)).toEqual([0x05, 0x00]);
    expect(parsed?.payload.toString('hex')).toBe('ff');
  });

  it('ignores a concat element with an impossible sequence number', () => {
    expect(parseUdh(Buffer.from('050003070203', 'hex'))?.udh.concat).toBeUndefined();
    expect(parseUdh(Buffer.from('050003070000', 'hex'))?.udh.concat).toBeUndefined();
  });

  it('returns null for a header that overruns the message', () => {
    expect(parseUdh(Buffer.alloc(0))).toBeNull();
    expect(parseUdh(Buffer.from('0500032a03', 'hex'))).toBeNull();
    expect(parseUdh(Buffer.from('0300052a03', 'hex'))).toBeNull();
  });
});
