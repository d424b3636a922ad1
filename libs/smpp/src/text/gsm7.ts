/**
 * GSM 03.38 (3GPP TS 23.038) default alphabet and its extension table.
 *
 * SMPP `data_coding` 0 is "SMSC default alphabet"; the SMSCs we bind to expect it unpacked, one
 * septet per octet, and pack it for the air interface themselves. The packed form is still needed
 * for the few links that send it packed, and to reason about UDH fill bits.
 */

/** Escape to the extension table: the next septet is read from `GSM7_EXTENSION`. */
export const GSM7_ESCAPE = 0x1b;

// Index = septet value. 0x1B is the escape and has no character of its own.
const BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' + '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

const EXTENSION: ReadonlyArray<[number, string]> = [
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
];

const basicByChar = new Map<string, number>();
for (let i = 0; i < BASIC.length; i++) if (i !== GSM7_ESCAPE) basicByChar.set(BASIC[i], i);
const extensionByChar = new Map<string, number>(EXTENSION.map(([septet, ch]) => [ch, septet]));

/**
 * The same tables by UTF-16 code unit (every GSM character is one unit), -1 where there is none:
 * the hot loops below index these instead of making a string per character for a Map lookup.
 */
const BASIC_BY_UNIT = new Int16Array(0x10000).fill(-1);
for (const [ch, septet] of basicByChar) BASIC_BY_UNIT[ch.charCodeAt(0)] = septet;
const EXTENSION_BY_UNIT = new Int16Array(0x10000).fill(-1);
for (const [ch, septet] of extensionByChar) EXTENSION_BY_UNIT[ch.charCodeAt(0)] = septet;

/**
 * Characters outside the GSM alphabet that a reader takes for one inside it, with what they are
 * sent as: typographic quotes and apostrophes, dashes and minus signs, the ellipsis, the many
 * Unicode spaces, and invisible marks (zero-width spaces, a byte-order mark, a soft hyphen), which
 * are dropped. A roll or a template typed in a word processor is full of them, and one alone would
 * send a whole English reply as UCS-2: 70 characters a part instead of 160.
 */
const LOOK_ALIKES: ReadonlyArray<[string, string]> = [
  // Apostrophes and single quotes: ‘ ’ ‚ ‛ ′ ´ ` ʼ
  ...[...'\u2018\u2019\u201a\u201b\u2032\u00b4\u0060\u02bc'].map((ch): [string, string] => [ch, "'"]),
  // Double quotes: “ ” „ ‟ ″ « »
  ...[...'\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb'].map((ch): [string, string] => [ch, '"']),
  // Hyphens, dashes and the minus sign: ‐ ‑ ‒ – — ― −
  ...[...'\u2010\u2011\u2012\u2013\u2014\u2015\u2212'].map((ch): [string, string] => [ch, '-']),
  // Spaces: no-break, en quad to hair space, narrow no-break, medium mathematical, ideographic; and a tab.
  ...[...'\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t'].map((ch): [string, string] => [ch, ' ']),
  // Line and paragraph separators.
  ['\u2028', '\n'],
  ['\u2029', '\n'],
  ['\u2026', '...'],
  // Invisible: zero-width space, non-joiner and joiner, word joiner, byte-order mark, soft hyphen.
  ...[...'\u200b\u200c\u200d\u2060\ufeff\u00ad'].map((ch): [string, string] => [ch, '']),
];

const LOOK_ALIKE_BY_UNIT = new Map<number, string>(LOOK_ALIKES.map(([ch, gsm]) => [ch.charCodeAt(0), gsm]));

/**
 * The text with every look-alike character (LOOK_ALIKES: ’ → ', “ → ", – → -, a no-break space →
 * a space, … → ...) replaced by its GSM 7-bit counterpart, when that is all that keeps it out of
 * the alphabet; null when another character needs UCS-2 anyway (Urdu, an emoji), so such a text
 * is sent exactly as written, look-alikes and all. Also null when the text has no look-alike.
 */
export function replaceGsm7LookAlikes(text: string): string | null {
  let found = false;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (BASIC_BY_UNIT[unit] >= 0 || EXTENSION_BY_UNIT[unit] >= 0) continue;
    // The first character that is neither ends the scan: an Urdu reply is given up at its first letter.
    if (!LOOK_ALIKE_BY_UNIT.has(unit)) return null;
    found = true;
  }
  if (!found) return null;
  let out = '';
  for (let i = 0; i < text.length; i++) out += LOOK_ALIKE_BY_UNIT.get(text.charCodeAt(i)) ?? text[i];
  return out;
}

/** Septets the UTF-16 code unit costs (1 basic, 2 extension), or 0 when it is not in the alphabet. */
export function gsm7UnitLength(unit: number): 0 | 1 | 2 {
  if (BASIC_BY_UNIT[unit] >= 0) return 1;
  if (EXTENSION_BY_UNIT[unit] >= 0) return 2;
  return 0;
}
const extensionBySeptet = new Map<number, string>(EXTENSION);

/** Septets one character costs (1 basic, 2 extension), or 0 when it is not in the alphabet. */
export function gsm7CharLength(ch: string): 0 | 1 | 2 {
  if (basicByChar.has(ch)) return 1;
  if (extensionByChar.has(ch)) return 2;
  return 0;
}

/** True when every character is in the default alphabet or its extension table. */
export function canEncodeGsm7(text: string): boolean {
  for (const ch of text) if (gsm7CharLength(ch) === 0) return false;
  return true;
}

/** Number of septets the text needs (extension characters count twice), or -1 if it cannot be encoded. */
export function gsm7SeptetCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const len = gsm7UnitLength(text.charCodeAt(i));
    if (len === 0) return -1;
    n += len;
  }
  return n;
}

/** Encodes one character to its septets; throws for a character outside the alphabet. */
export function encodeGsm7Char(ch: string): number[] {
  const basic = basicByChar.get(ch);
  if (basic !== undefined) return [basic];
  const ext = extensionByChar.get(ch);
  if (ext !== undefined) return [GSM7_ESCAPE, ext];
  throw new RangeError(`character U+${ch.codePointAt(0)?.toString(16).toUpperCase()} is not in the GSM 7-bit alphabet`);
}

/** Unpacked septets, one per byte. Throws a RangeError when `canEncodeGsm7(text)` is false. */
export function encodeGsm7(text: string): Buffer {
  // At most two septets per UTF-16 unit: one buffer, written in place, no array per character.
  const out = Buffer.allocUnsafe(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const basic = BASIC_BY_UNIT[unit];
    if (basic >= 0) {
      out[n++] = basic;
      continue;
    }
    const ext = EXTENSION_BY_UNIT[unit];
    // encodeGsm7Char throws the RangeError naming the character (a pair, for one outside the BMP).
    if (ext < 0) encodeGsm7Char(String.fromCodePoint(text.codePointAt(i) ?? unit));
    out[n++] = GSM7_ESCAPE;
    out[n++] = ext;
  }
  return out.subarray(0, n);
}

/**
 * Decodes unpacked septets. A septet above 0x7F cannot come from a GSM encoder and decodes to
 * U+FFFD; an escape followed by an undefined extension code decodes as the basic character, as
 * TS 23.038 asks of receivers; a trailing lone escape is dropped.
 */
export function decodeGsm7(buf: Buffer): string {
  let out = '';
  for (let i = 0; i < buf.length; i++) {
    const septet = buf[i];
    if (septet > 0x7f) {
      out += '\ufffd';
    } else if (septet === GSM7_ESCAPE) {
      i++;
      if (i >= buf.length) break;
      const next = buf[i];
      out += extensionBySeptet.get(next) ?? (next === GSM7_ESCAPE || next > 0x7f ? '\ufffd' : BASIC[next]);
    } else {
      out += BASIC[septet];
    }
  }
  return out;
}

/**
 * Packs septets (one per byte) into octets, least significant bit first. `paddingBits` fill bits
 * come first so the septets start on a septet boundary after a UDH of
 * `udhLength` octets: paddingBits = (7 - (udhLength * 8) % 7) % 7.
 */
export function packGsm7(septets: Buffer, paddingBits = 0): Buffer {
  const out = Buffer.alloc(Math.ceil((paddingBits + septets.length * 7) / 8));
  let bit = paddingBits;
  for (const septet of septets) {
    const value = septet & 0x7f;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte] |= (value << shift) & 0xff;
    if (shift > 1) out[byte + 1] |= value >> (8 - shift);
    bit += 7;
  }
  return out;
}

/** Reads `septetCount` septets after `paddingBits` fill bits; returns them one per byte. */
export function unpackGsm7(buf: Buffer, septetCount: number, paddingBits = 0): Buffer {
  const available = Math.floor((buf.length * 8 - paddingBits) / 7);
  const count = Math.max(0, Math.min(septetCount, available));
  const out = Buffer.alloc(count);
  let bit = paddingBits;
  for (let i = 0; i < count; i++) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let value = buf[byte] >> shift;
    if (shift > 1) value |= buf[byte + 1] << (8 - shift);
    out[i] = value & 0x7f;
    bit += 7;
  }
  return out;
}

/** Fill bits that align septets after a UDH of `udhLength` octets (including the UDHL octet). */
export function gsm7PaddingBits(udhLength: number): number {
  return (7 - ((udhLength * 8) % 7)) % 7;
}

/**
 * Unpacks a whole packed payload whose septet count is not known. SMPP gives sm_length in octets
 * only, so when the septets end exactly on an octet boundary the last 7 bits may be spare: a
 * trailing zero septet ('@') there is taken as padding and dropped.
 */
export function unpackGsm7Payload(buf: Buffer, paddingBits = 0): Buffer {
  const bits = buf.length * 8 - paddingBits;
  const septets = unpackGsm7(buf, Math.max(0, Math.floor(bits / 7)), paddingBits);
  if (bits > 0 && bits % 7 === 0 && septets.length > 0 && septets[septets.length - 1] === 0) {
    return septets.subarray(0, septets.length - 1);
  }
  return septets;
}
