import { copyText, VoterCopyEncoder } from './voter-copy-encoder';

describe('VoterCopyEncoder', () => {
  it('writes the PGCOPY signature, one tuple per voter in column order, and the trailer', () => {
    const enc = new VoterCopyEncoder();
    const hash = String.fromCharCode(...Array.from({ length: 32 }, (_, i) => 255 - i));
    enc.add(hash, '137000001', 412, 97, 'F');
    const buf = enc.finish();
    expect(buf.subarray(0, 11).toString('latin1')).toBe('PGCOPY\n\xff\r\n\0');
    let o = 19;
    expect(buf.readInt16BE(o)).toBe(5);
    o += 2;
    expect(buf.readInt32BE(o)).toBe(32);
    expect([...buf.subarray(o + 4, o + 36)]).toEqual(Array.from({ length: 32 }, (_, i) => 255 - i));
    o += 36;
    expect(buf.readInt32BE(o)).toBe(9);
    expect(buf.subarray(o + 4, o + 13).toString()).toBe('137000001');
    o += 13;
    expect([buf.readInt32BE(o), buf.readInt32BE(o + 4)]).toEqual([4, 412]);
    expect([buf.readInt32BE(o + 8), buf.readInt32BE(o + 12)]).toEqual([4, 97]);
    o += 16;
    expect(buf.readInt32BE(o)).toBe(1);
    expect(String.fromCharCode(buf[o + 4])).toBe('F');
    expect(buf.readInt16BE(o + 5)).toBe(-1);
    expect(buf.length).toBe(o + 7);
  });

  it('hands over full chunks and keeps going in a fresh buffer', () => {
    const enc = new VoterCopyEncoder();
    const hash = 'h'.repeat(32);
    let rows = 0;
    while (!enc.full) {
      enc.add(hash, '123456789', 1, 1, 'M');
      rows++;
    }
    const first = enc.take();
    enc.add(hash, '123456789', 2, 1, 'M');
    const rest = enc.finish();
    expect(first.length).toBe(19 + rows * 72);
    expect(rest.length).toBe(72 + 2);
  });
});

describe('copyText', () => {
  it('escapes what COPY text format treats specially and writes null as \\N', () => {
    expect(copyText('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect(copyText(null)).toBe('\\N');
    expect(copyText('لاہور')).toBe('لاہور');
    expect(copyText(42)).toBe('42');
  });
});
