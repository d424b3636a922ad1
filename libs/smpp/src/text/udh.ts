import { EsmClass } from '../codec/field-values';
import { SmsTextError, SmsTextErrorCode } from './sms-text-error';

/** User data header information element identifiers (3GPP TS 23.040 9.2.3.24). */
export const UdhIei = {
  CONCAT_8BIT_REF: 0x00,
  CONCAT_16BIT_REF: 0x08,
} as const;

/** `esm_class` bit that says the short message starts with a user data header. */
export const ESM_CLASS_UDHI = EsmClass.UDHI_INDICATOR;

export interface ConcatInfo {
  ref: number;
  total: number;
  seq: number;
  refBits: 8 | 16;
}

export interface UdhElement {
  iei: number;
  data: Buffer;
}

export interface ParsedUdh {
  udh: {
    concat?: ConcatInfo;
    /** Every element in order, known or not, so callers can read ports or other IEs later. */
    elements: UdhElement[];
    /** Header length in octets, including the UDHL octet itself. */
    length: number;
  };
  payload: Buffer;
}

function concatFrom(iei: number, data: Buffer): ConcatInfo | undefined {
  let info: ConcatInfo | undefined;
  if (iei === UdhIei.CONCAT_8BIT_REF && data.length === 3) {
    info = { ref: data[0], total: data[1], seq: data[2], refBits: 8 };
  } else if (iei === UdhIei.CONCAT_16BIT_REF && data.length === 4) {
    info = { ref: data.readUInt16BE(0), total: data[2], seq: data[3], refBits: 16 };
  }
  // TS 23.040: a concatenation IE with 0 parts or a sequence outside 1..total is ignored.
  if (info && (info.total === 0 || info.seq === 0 || info.seq > info.total)) return undefined;
  return info;
}

/**
 * Splits a short message sent with esm_class UDHI into its header and payload. Unknown elements
 * are kept and skipped; returns null when the header does not fit in the message or an element
 * overruns it, so the caller can treat the message as malformed rather than guess.
 */
export function parseUdh(shortMessage: Buffer): ParsedUdh | null {
  if (shortMessage.length < 1) return null;
  const udhl = shortMessage[0];
  if (1 + udhl > shortMessage.length) return null;
  const elements: UdhElement[] = [];
  let concat: ConcatInfo | undefined;
  let i = 1;
  while (i < 1 + udhl) {
    if (i + 2 > 1 + udhl) return null;
    const iei = shortMessage[i];
    const iel = shortMessage[i + 1];
    const start = i + 2;
    if (start + iel > 1 + udhl) return null;
    const data = shortMessage.subarray(start, start + iel);
    elements.push({ iei, data });
    // If an element repeats, the last occurrence wins (TS 23.040 9.2.3.24).
    concat = concatFrom(iei, data) ?? concat;
    i = start + iel;
  }
  return { udh: { concat, elements, length: 1 + udhl }, payload: shortMessage.subarray(1 + udhl) };
}

/** A UDH holding only a concatenation element: 6 octets with an 8-bit ref, 7 with a 16-bit ref. */
export function buildConcatUdh(ref: number, total: number, seq: number, refBits: 8 | 16 = 8): Buffer {
  const maxRef = refBits === 8 ? 0xff : 0xffff;
  if (!Number.isInteger(ref) || ref < 0 || ref > maxRef) {
    throw new SmsTextError(SmsTextErrorCode.INVALID_ARGUMENT, `concat reference ${ref} does not fit in ${refBits} bits`);
  }
  if (!Number.isInteger(total) || total < 1 || total > 255 || !Number.isInteger(seq) || seq < 1 || seq > total) {
    throw new SmsTextError(SmsTextErrorCode.INVALID_ARGUMENT, `concat part ${seq} of ${total} is out of range`);
  }
  if (refBits === 8) return Buffer.from([0x05, UdhIei.CONCAT_8BIT_REF, 0x03, ref, total, seq]);
  return Buffer.from([0x06, UdhIei.CONCAT_16BIT_REF, 0x04, ref >> 8, ref & 0xff, total, seq]);
}
