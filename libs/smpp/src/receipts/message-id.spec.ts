import { normaliseMessageId } from './message-id';

function sameMessage(a: string, b: string): boolean {
  const left = new Set(normaliseMessageId(a));
  return normaliseMessageId(b).some((c) => left.has(c));
}

describe('normaliseMessageId', () => {
  it('puts the lower-cased id without leading zeros first, as the canonical key', () => {
    expect(normaliseMessageId('  0001A2B3C  ')[0]).toBe('1a2b3c');
  });

  it('adds the decimal reading of a hex id and the hex reading of a decimal one', () => {
    expect(normaliseMessageId('1A2B3C')).toEqual(['1a2b3c', String(0x1a2b3c)]);
    expect(normaliseMessageId('1715004')).toEqual(['1715004', String(0x1715004), (1715004).toString(16)]);
  });

  it('matches a hex submit_sm_resp id to the decimal id of its receipt text, and the reverse', () => {
    expect(sameMessage('0A3F5C9E', String(0x0a3f5c9e))).toBe(true);
    expect(sameMessage(String(0x0a3f5c9e), 'a3f5c9e')).toBe(true);
  });

  it('matches ids that differ only by zero padding and case', () => {
    expect(sameMessage('00000000FF12', 'ff12')).toBe(true);
  });

  it('converts ids beyond 2^53 exactly', () => {
    const hex = 'ffffffffffffffff';
    expect(normaliseMessageId(hex)).toContain('18446744073709551615');
    expect(sameMessage('18446744073709551615', hex)).toBe(true);
  });

  it('keeps a non-numeric id as it is, with no conversions', () => {
    expect(normaliseMessageId('Msg-42_x')).toEqual(['msg-42_x']);
  });

  it('does not match different messages', () => {
    expect(sameMessage('1a2b3c', '1a2b3d')).toBe(false);
  });

  it('keeps an all-zero id as 0 and gives nothing for an empty one', () => {
    expect(normaliseMessageId('0000')).toEqual(['0']);
    expect(normaliseMessageId('   ')).toEqual([]);
  });
});

describe("normaliseMessageId with the SMSC's id format declared", () => {
  it('reads a decimal receipt id of an SMSC that answers submit_sm in hex as that hex id, and only so', () => {
    expect(normaliseMessageId(String(0x0a3f5c9e), 'hex-to-decimal')).toEqual([normaliseMessageId('0A3F5C9E')[0]]);
  });

  it('reads a hex receipt id of an SMSC that answers submit_sm in decimal as that decimal id, and only so', () => {
    expect(normaliseMessageId('1A2B3C', 'decimal-to-hex')).toEqual([String(0x1a2b3c)]);
    expect(normaliseMessageId('12345', 'decimal-to-hex')).toEqual([String(0x12345)]);
  });

  it('keeps the id as written, and nothing else, when receipts write it as submit_sm_resp did', () => {
    expect(normaliseMessageId('00012345', 'same')).toEqual(['12345']);
    expect(normaliseMessageId('0A3F5C9E', 'same')).toEqual(['a3f5c9e']);
  });

  it("never offers the other base's reading, which could be a different message's id", () => {
    // Under auto, "12345" also stands for hex 0x12345 = 74565 and decimal 12345 = hex 3039.
    expect(normaliseMessageId('12345')).toEqual(['12345', '74565', '3039']);
    expect(normaliseMessageId('12345', 'hex-to-decimal')).toEqual(['3039']);
    expect(normaliseMessageId('12345', 'same')).not.toContain('74565');
  });

  it('keeps an id that is no number in the declared receipt base as written', () => {
    expect(normaliseMessageId('A3F5C9E', 'hex-to-decimal')).toEqual(['a3f5c9e']);
    expect(normaliseMessageId('7e1b0c8a-4f0e', 'decimal-to-hex')).toEqual(['7e1b0c8a-4f0e']);
  });

  it('gives nothing for an empty id, whatever the format', () => {
    expect(normaliseMessageId(' ', 'hex-to-decimal')).toEqual([]);
  });
});
