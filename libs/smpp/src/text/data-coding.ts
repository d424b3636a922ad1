import { decodeGsm7, unpackGsm7Payload } from './gsm7';
import { SmsTextError, SmsTextErrorCode } from './sms-text-error';
import { decodeUcs2 } from './ucs2';

/** SMPP 3.4 section 5.2.19 `data_coding` values this suite produces or names. */
export const DataCoding = {
  /** SMSC default alphabet: GSM 03.38 7-bit. */
  DEFAULT: 0x00,
  /** IA5 (CCITT T.50) / ASCII. */
  IA5: 0x01,
  /** Octet unspecified (8-bit binary). */
  OCTET: 0x02,
  /** Latin-1 (ISO-8859-1). */
  LATIN1: 0x03,
  /** Octet unspecified (8-bit binary), the other code point the spec defines for it. */
  OCTET_UNSPECIFIED: 0x04,
  /** UCS-2 (ISO/IEC-10646), sent as UTF-16BE. */
  UCS2: 0x08,
} as const;

/** How the bytes of a short message with a given data_coding are to be read. */
export type SmsAlphabet = 'gsm7' | 'ascii' | 'latin1' | 'ucs2' | 'binary' | 'unsupported';

/** GSM 03.38 alphabet bits (2-3) of the general and automatic-deletion coding groups. */
function alphabetFromGroupBits(dataCoding: number): SmsAlphabet {
  switch ((dataCoding >> 2) & 0x03) {
    case 0:
      return 'gsm7';
    case 1:
      return 'binary';
    case 2:
      return 'ucs2';
    default:
      return 'unsupported';
  }
}

/**
 * Maps a data_coding octet to its alphabet. 0x00-0x0F follow the SMPP table; the upper values
 * follow the GSM 03.38 coding groups, which SMSCs pass through from handsets.
 */
export function alphabetOf(dataCoding: number): SmsAlphabet {
  if (dataCoding < 0 || dataCoding > 0xff || !Number.isInteger(dataCoding)) return 'unsupported';
  if (dataCoding <= 0x0f) {
    switch (dataCoding) {
      case DataCoding.DEFAULT:
        return 'gsm7';
      case DataCoding.IA5:
        return 'ascii';
      case DataCoding.OCTET:
      case DataCoding.OCTET_UNSPECIFIED:
        return 'binary';
      case DataCoding.LATIN1:
        return 'latin1';
      case DataCoding.UCS2:
        return 'ucs2';
      default:
        // JIS, Cyrillic, Latin/Hebrew, pictogram, ISO-2022-JP, extended kanji, KS C 5601.
        return 'unsupported';
    }
  }
  // 0x10-0x1F general group with message class, 0x40-0x5F automatic deletion group.
  if (dataCoding <= 0x1f || (dataCoding >= 0x40 && dataCoding <= 0x5f)) return alphabetFromGroupBits(dataCoding);
  // Compressed text (0x20-0x3F, 0x60-0x7F) and the reserved groups (0x80-0xBF).
  if (dataCoding <= 0xbf) return 'unsupported';
  // 0xC0-0xDF message waiting indication (discard / store), GSM 7-bit; 0xE0-0xEF store, UCS-2.
  if (dataCoding <= 0xdf) return 'gsm7';
  if (dataCoding <= 0xef) return 'ucs2';
  // 0xF0-0xFF data coding / message class: bit 2 selects 8-bit data, otherwise GSM 7-bit.
  return dataCoding & 0x04 ? 'binary' : 'gsm7';
}

export interface DecodeShortMessageOptions {
  /** GSM 7-bit payload is packed (8 septets in 7 octets) instead of one septet per octet. */
  gsm7Packed?: boolean;
  /** Fill bits before the first packed septet (after a UDH); see `gsm7PaddingBits`. */
  gsm7PaddingBits?: number;
}

function decodeAscii(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) out += b < 0x80 ? String.fromCharCode(b) : '\ufffd';
  return out;
}

/**
 * Decodes the text of a short message (without its UDH). Throws `SmsTextError` with code
 * BINARY_DATA_CODING for 8-bit data and UNSUPPORTED_DATA_CODING for alphabets we do not read.
 */
export function decodeShortMessage(dataCoding: number, bytes: Buffer, opts: DecodeShortMessageOptions = {}): string {
  const alphabet = alphabetOf(dataCoding);
  switch (alphabet) {
    case 'gsm7':
      return decodeGsm7(opts.gsm7Packed ? unpackGsm7Payload(bytes, opts.gsm7PaddingBits ?? 0) : bytes);
    case 'ascii':
      return decodeAscii(bytes);
    case 'latin1':
      return bytes.toString('latin1');
    case 'ucs2':
      return decodeUcs2(bytes);
    case 'binary':
      throw new SmsTextError(
        SmsTextErrorCode.BINARY_DATA_CODING,
        `data_coding 0x${dataCoding.toString(16).padStart(2, '0')} carries 8-bit binary data, not text`,
      );
    default:
      throw new SmsTextError(SmsTextErrorCode.UNSUPPORTED_DATA_CODING, `data_coding 0x${dataCoding.toString(16).padStart(2, '0')} is not supported`);
  }
}
