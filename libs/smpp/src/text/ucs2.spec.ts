import { decodeUcs2, encodeUcs2 } from './ucs2';

describe('UCS-2 (UTF-16BE)', () => {
  it('encodes big-endian code units', () => {
    expect(encodeUcs2('آپ').toString('hex')).toBe('0622067e');
    expect(encodeUcs2('A').toString('hex')).toBe('0041');
  });

  it("round trips Urdu text such as 'آپ کا ووٹ'", () => {
    const text = 'آپ کا ووٹ';
    expect(encodeUcs2(text).length).toBe(text.length * 2);
    expect(decodeUcs2(encodeUcs2(text))).toBe(text);
  });

  it('keeps a surrogate pair intact', () => {
    expect(encodeUcs2('😀').toString('hex')).toBe('d83dde00');
    expect(decodeUcs2(Buffer.from('d83dde00', 'hex'))).toBe('😀');
  });

  it('decodes an odd trailing byte as U+FFFD instead of failing', () => {
    expect(decodeUcs2(Buffer.from([0x00, 0x41, 0x00]))).toBe('A\ufffd');
  });

  it('does not modify the buffer it decodes', () => {
    const buf = Buffer.from([0x06, 0x22]);
    decodeUcs2(buf);
    expect([...buf]).toEqual([0x06, 0x22]);
  });
});
