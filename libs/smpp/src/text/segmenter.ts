import { TlvTag } from '../codec/tlv-tag';
import { DataCoding } from './data-coding';
import { encodeGsm7, gsm7SeptetCount, gsm7UnitLength, replaceGsm7LookAlikes } from './gsm7';
import { SmsTextError, SmsTextErrorCode } from './sms-text-error';
import { buildConcatUdh, ESM_CLASS_UDHI } from './udh';
import { encodeUcs2 } from './ucs2';

/**
 * How a long text travels: a concatenation UDH with an 8-bit or 16-bit reference, SAR TLVs
 * (the SMSC builds the UDH), or one message_payload TLV (the SMSC splits).
 */
export type SegmentationMode = 'udh8' | 'udh16' | 'sar' | 'payload';

/**
 * What the SMSC reads data_coding 0 ("SMSC default alphabet") as: GSM 03.38 septets, one per
 * octet (the usual case), or ISO-8859-1 octets, which some SMSCs take and convert to GSM for
 * the air interface themselves.
 */
export type DefaultAlphabet = 'gsm7' | 'latin1';

export interface SegmentOptions {
  /** Concatenation reference; reduced to 8 bits for udh8 and 16 bits for udh16/sar. */
  reference: number;
  mode?: SegmentationMode;
  /** Send as UCS-2 even when the text fits the GSM alphabet. */
  forceUcs2?: boolean;
  /**
   * Send a text kept out of the GSM alphabet only by look-alike characters (’ “ – … a no-break
   * space) as GSM 7-bit, those characters replaced (replaceGsm7LookAlikes). A text that needs
   * UCS-2 for any other character is sent as written. Default false: the text is sent as given.
   */
  gsm7LookAlikes?: boolean;
  /** How data_coding 0 is written for this SMSC. Default gsm7. */
  defaultAlphabet?: DefaultAlphabet;
}

export interface SmsSegment {
  shortMessage: Buffer;
  esmClass: number;
  tlvs: Array<{ tag: number; value: Buffer }>;
}

export interface SegmentedSms {
  dataCoding: number;
  segments: SmsSegment[];
}

/** Capacity in septets (GSM) or UTF-16 units (UCS-2). */
export const SmsLimits = {
  GSM7_SINGLE: 160,
  UCS2_SINGLE: 70,
  GSM7_PART_UDH8: 153,
  UCS2_PART_UDH8: 67,
  GSM7_PART_UDH16: 152,
  UCS2_PART_UDH16: 66,
  MAX_PARTS: 255,
} as const;

/**
 * Cuts `text` into pieces of at most `capacity` units (septets for GSM, UTF-16 units for UCS-2)
 * without splitting a GSM escape sequence or a surrogate pair, and encodes each piece once. Only
 * the cut positions are kept, not a buffer per character: every reply egress sends goes through
 * here (docs/benchmarks.md, "Measurements behind code choices").
 */
function split(text: string, ucs2: boolean, capacity: number, encode: (text: string) => Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < text.length;) {
    const unit = text.charCodeAt(i);
    // A surrogate pair is one character of two units; GSM characters are all one unit.
    const next = text.charCodeAt(i + 1);
    const width = ucs2 && unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    const cost = ucs2 ? width : gsm7UnitLength(unit);
    if (used + cost > capacity) {
      parts.push(encode(text.slice(start, i)));
      start = i;
      used = 0;
    }
    used += cost;
    i += width;
  }
  if (start < text.length || parts.length === 0) parts.push(encode(text.slice(start)));
  return parts;
}

function partCapacity(mode: SegmentationMode, ucs2: boolean): number {
  // SAR parts get the 16-bit UDH budget: the SMSC builds the header on the air interface from
  // sar_msg_ref_num, a 16-bit reference, and SMSCs that keep all 16 bits send a 7-octet header.
  // A part sized for the 6-octet one would then be one character too long to fit.
  if (mode === 'udh16' || mode === 'sar') return ucs2 ? SmsLimits.UCS2_PART_UDH16 : SmsLimits.GSM7_PART_UDH16;
  return ucs2 ? SmsLimits.UCS2_PART_UDH8 : SmsLimits.GSM7_PART_UDH8;
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

/** True when every UTF-16 unit is an ISO-8859-1 character. */
function fitsLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function encodeLatin1(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

/**
 * Encodes a text for submit_sm: data_coding 0 when every character is in the GSM alphabet (or,
 * with `gsm7LookAlikes`, is a look-alike of one), UCS-2 (8) otherwise. A text that fits one SMS is
 * one plain segment in every mode; a longer one is split so that no escape sequence or surrogate
 * pair straddles two parts.
 *
 * data_coding 0 is written as the SMSC reads it (`defaultAlphabet`): GSM septets, or Latin-1
 * octets for an SMSC that converts those to GSM itself. The handset still gets GSM 7-bit, so a
 * Latin-1 text must also fit the GSM alphabet (the Greek capitals and the euro sign are GSM but
 * not Latin-1: such a text goes as UCS-2), and parts are cut by the septets they take on the air.
 */
export function segmentForSms(given: string, opts: SegmentOptions): SegmentedSms {
  const mode = opts.mode ?? 'udh8';
  const latin1 = opts.defaultAlphabet === 'latin1';
  // Septets the text takes in GSM 7-bit, or -1 when it cannot go as data_coding 0.
  const septetsOf = (t: string): number => (opts.forceUcs2 === true || (latin1 && !fitsLatin1(t)) ? -1 : gsm7SeptetCount(t));
  let text = given;
  let septets = septetsOf(text);
  if (septets < 0 && opts.forceUcs2 !== true && opts.gsm7LookAlikes === true) {
    const replaced = replaceGsm7LookAlikes(text);
    const replacedSeptets = replaced === null ? -1 : septetsOf(replaced);
    if (replaced !== null && replacedSeptets >= 0) {
      text = replaced;
      septets = replacedSeptets;
    }
  }
  const ucs2 = septets < 0;
  const dataCoding = ucs2 ? DataCoding.UCS2 : DataCoding.DEFAULT;
  const encode = ucs2 ? encodeUcs2 : latin1 ? encodeLatin1 : encodeGsm7;
  const total = ucs2 ? text.length : septets;
  const single = ucs2 ? SmsLimits.UCS2_SINGLE : SmsLimits.GSM7_SINGLE;

  if (total <= single) {
    return { dataCoding, segments: [{ shortMessage: encode(text), esmClass: 0, tlvs: [] }] };
  }
  if (mode === 'payload') {
    const payload = encode(text);
    return {
      dataCoding,
      segments: [{ shortMessage: Buffer.alloc(0), esmClass: 0, tlvs: [{ tag: TlvTag.message_payload, value: payload }] }],
    };
  }

  const payloads = split(text, ucs2, partCapacity(mode, ucs2), encode);
  if (payloads.length > SmsLimits.MAX_PARTS) {
    throw new SmsTextError(SmsTextErrorCode.TEXT_TOO_LONG, `text needs ${payloads.length} parts; at most ${SmsLimits.MAX_PARTS} are possible`);
  }
  if (!Number.isInteger(opts.reference) || opts.reference < 0) {
    throw new SmsTextError(SmsTextErrorCode.INVALID_ARGUMENT, `concat reference ${opts.reference} must be a non-negative integer`);
  }
  const count = payloads.length;
  const segments = payloads.map((payload, i): SmsSegment => {
    const seq = i + 1;
    if (mode === 'sar') {
      return {
        shortMessage: payload,
        esmClass: 0,
        tlvs: [
          { tag: TlvTag.sar_msg_ref_num, value: u16(opts.reference & 0xffff) },
          { tag: TlvTag.sar_total_segments, value: Buffer.from([count]) },
          { tag: TlvTag.sar_segment_seqnum, value: Buffer.from([seq]) },
        ],
      };
    }
    const udh = mode === 'udh16' ? buildConcatUdh(opts.reference & 0xffff, count, seq, 16) : buildConcatUdh(opts.reference & 0xff, count, seq, 8);
    return { shortMessage: Buffer.concat([udh, payload]), esmClass: ESM_CLASS_UDHI, tlvs: [] };
  });
  return { dataCoding, segments };
}
