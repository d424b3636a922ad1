import {
  canEncodeGsm7,
  decodeGsm7,
  encodeGsm7,
  gsm7PaddingBits,
  gsm7SeptetCount,
  packGsm7,
  replaceGsm7LookAlikes,
  unpackGsm7,
  unpackGsm7Payload,
} from './gsm7';

describe('GSM 03.38 7-bit', () => {
  it('encodes basic characters to their septet values, one per byte', () => {
    expect([...encodeGsm7('@£$Ab0 \n')]).toEqual([0x00, 0x01, 0x02, 0x41, 0x62, 0x30, 0x20, 0x0a]);
    expect([...encodeGsm7('Δ_ÄÖÑÜ§¿äöñüàÉ¤¡')]).toEqual([0x10, 0x11, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60, 0x7b, 0x7c, 0x7d, 0x7e, 0x7f, 0x1f, 0x24, 0x40]);
  });

  it('escapes every extension character with 0x1B', () => {
    expect([...encodeGsm7('^{}\\[~]|€\f')]).toEqual([
      0x1b, 0x14, 0x1b, 0x28, 0x1b, 0x29, 0x1b, 0x2f, 0x1b, 0x3c, 0x1b, 0x3d, 0x1b, 0x3e, 0x1b, 0x40, 0x1b, 0x65, 0x1b, 0x0a,
    ]);
  });

  it('counts extension characters as two septets', () => {
    expect(gsm7SeptetCount('price: 10€')).toBe(11);
    expect(gsm7SeptetCount('{x}')).toBe(5);
    expect(gsm7SeptetCount('آپ')).toBe(-1);
  });

  it('tells which texts fit the alphabet', () => {
    expect(canEncodeGsm7('Your CNIC 35202-1234567-1: NA-120 [ok] €5')).toBe(true);
    expect(canEncodeGsm7('آپ کا ووٹ')).toBe(false);
    expect(canEncodeGsm7('hello 😀')).toBe(false);
    expect(canEncodeGsm7('ç')).toBe(false); // only capital Ç is in the alphabet
    expect(() => encodeGsm7('ç')).toThrow(RangeError);
  });

  it('round trips every character of the alphabet and its extension', () => {
    const all =
      '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f';
    expect(decodeGsm7(encodeGsm7(all))).toBe(all);
  });

  it('decodes an unknown escape as the basic character and a septet above 0x7F as U+FFFD', () => {
    expect(decodeGsm7(Buffer.from([0x1b, 0x41, 0x42]))).toBe('AB');
    expect(decodeGsm7(Buffer.from([0x41, 0xc8]))).toBe('A\ufffd');
    expect(decodeGsm7(Buffer.from([0x41, 0x1b]))).toBe('A');
  });

  it('packs "hellohello" to the textbook octets', () => {
    const packed = packGsm7(encodeGsm7('hellohello'));
    expect(packed.toString('hex')).toBe('e8329bfd4697d9ec37');
    expect(decodeGsm7(unpackGsm7(packed, 10))).toBe('hellohello');
  });

  it('packs after UDH fill bits and unpacks with the same padding', () => {
    // A 6-octet concat UDH is 48 bits; one fill bit brings the text to a septet boundary (49 = 7 * 7).
    expect(gsm7PaddingBits(6)).toBe(1);
    expect(gsm7PaddingBits(7)).toBe(0);
    const septets = encodeGsm7('Parchee 8300');
    const packed = packGsm7(septets, 1);
    expect(packed[0] & 0x01).toBe(0);
    expect(packed[0] >> 1).toBe(0x50); // 'P' starts after the fill bit
    expect(unpackGsm7(packed, septets.length, 1)).toEqual(septets);
  });

  it('drops the spare zero septet when a packed payload ends with 7 unused bits', () => {
    const seven = packGsm7(encodeGsm7('1234567'));
    expect(seven.length).toBe(7);
    expect(decodeGsm7(unpackGsm7Payload(seven))).toBe('1234567');
    const eight = packGsm7(encodeGsm7('12345678'));
    expect(decodeGsm7(unpackGsm7Payload(eight))).toBe('12345678');
  });
});

describe('replaceGsm7LookAlikes', () => {
  it('replaces typographic quotes, dashes, the ellipsis and Unicode spaces with their GSM look-alikes', () => {
    const text = 'Govt. Girls\u2019 School \u2013 \u201cModel\u201d \u2018A\u2019 \u2014 No.\u00a02\u2026 Room\u202f3, 5\u22122';
    const replaced = replaceGsm7LookAlikes(text);
    expect(replaced).toBe("Govt. Girls' School - \"Model\" 'A' - No. 2... Room 3, 5-2");
    expect(canEncodeGsm7(replaced ?? '')).toBe(true);
  });

  it('drops invisible marks: zero-width spaces, joiners, a byte-order mark, a soft hyphen', () => {
    expect(replaceGsm7LookAlikes('\ufeffSham\u00adsi\u200bColony\u200d\u2060')).toBe('ShamsiColony');
  });

  it.each(
    [
      ...'\u2018\u2019\u201a\u201b\u2032\u00b4\u0060\u02bc\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\u2028\u2029\u2026',
    ].map((ch) => [`U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`, ch]),
  )('sends %s as GSM characters that look the same', (_code, ch) => {
    expect(canEncodeGsm7(ch)).toBe(false);
    const replaced = replaceGsm7LookAlikes(`a${ch}b`);
    expect(replaced).not.toBeNull();
    expect(canEncodeGsm7(replaced ?? '')).toBe(true);
    expect(replaced).toMatch(/^a.+b$/s);
  });

  it('leaves a text that needs UCS-2 for another character alone: Urdu, an emoji, a letter outside the alphabet', () => {
    expect(replaceGsm7LookAlikes('آپ کا ووٹ \u2013 NA\u2019s')).toBeNull();
    expect(replaceGsm7LookAlikes('Girls\u2019 School 😀')).toBeNull();
    expect(replaceGsm7LookAlikes('Fran\u00e7ois\u2019 School')).toBeNull();
  });

  it('gives null for a text with nothing to replace', () => {
    expect(replaceGsm7LookAlikes("Girls' School No. 2")).toBeNull();
    expect(replaceGsm7LookAlikes('')).toBeNull();
  });
});
