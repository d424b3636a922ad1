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
