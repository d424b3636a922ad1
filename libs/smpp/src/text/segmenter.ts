import { TlvTag } from '../codec/tlv-tag';
import { DataCoding } from './data-coding';
import { encodeGsm7Char, gsm7CharLength } from './gsm7';
import { SmsTextError, SmsTextErrorCode } from './sms-text-error';
import { buildConcatUdh, ESM_CLASS_UDHI } from './udh';
import { encodeUcs2 } from './ucs2';

/**
 * How a long text travels: a concatenation UDH with an 8-bit or 16-bit reference, SAR TLVs
 * (the SMSC builds the UDH), or one message_payload TLV (the SMSC splits).
 */
export type SegmentationMode = 'udh8' | 'udh16' | 'sar' | 'payload';

export interface SegmentOptions {
  /** Concatenation reference; reduced to 8 bits for udh8 and 16 bits for udh16/sar. */
  reference: number;
  mode?: SegmentationMode;
  /** Send as UCS-2 even when the text fits the GSM alphabet. */
  forceUcs2?: boolean;
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

// One unit of text that must stay whole: a GSM character (escape + code together) or a UTF-16
// code point (a surrogate pair together).
interface Atom {
  cost: number;
  bytes: number[];
}

function atomsOf(text: string, ucs2: boolean): Atom[] {
  const atoms: Atom[] = [];
  for (const ch of text) {
    if (ucs2) {
      atoms.push({ cost: ch.length, bytes: [...encodeUcs2(ch)] });
    } else {
      atoms.push({ cost: gsm7CharLength(ch), bytes: encodeGsm7Char(ch) });
    }
  }
  return atoms;
}

function split(atoms: Atom[], capacity: number): Buffer[] {
  const parts: Buffer[] = [];
  let current: number[] = [];
  let used = 0;
  for (const atom of atoms) {
    if (used + atom.cost > capacity) {
      parts.push(Buffer.from(current));
      current = [];
      used = 0;
    }
    current.push(...atom.bytes);
    used += atom.cost;
  }
  if (current.length > 0 || parts.length === 0) parts.push(Buffer.from(current));
  return parts;
}

function partCapacity(mode: SegmentationMode, ucs2: boolean): number {
  // SAR parts get the 8-bit UDH budget: the SMSC adds that header on the air interface.
  if (mode === 'udh16') return ucs2 ? SmsLimits.UCS2_PART_UDH16 : SmsLimits.GSM7_PART_UDH16;
  return ucs2 ? SmsLimits.UCS2_PART_UDH8 : SmsLimits.GSM7_PART_UDH8;
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

/**
 * Encodes a text for submit_sm: GSM 7-bit (data_coding 0, unpacked) when every character is in
 * the GSM alphabet, UCS-2 (8) otherwise. A text that fits one SMS is one plain segment in every
 * mode; a longer one is split so that no escape sequence or surrogate pair straddles two parts.
 */
export function segmentForSms(text: string, opts: SegmentOptions): SegmentedSms {
  const mode = opts.mode ?? 'udh8';
  let ucs2 = opts.forceUcs2 === true;
  if (!ucs2)
    for (const ch of text)
      if (gsm7CharLength(ch) === 0) {
        ucs2 = true;
        break;
      }
  const dataCoding = ucs2 ? DataCoding.UCS2 : DataCoding.DEFAULT;
  const atoms = atomsOf(text, ucs2);
  const total = atoms.reduce((n, a) => n + a.cost, 0);
  const single = ucs2 ? SmsLimits.UCS2_SINGLE : SmsLimits.GSM7_SINGLE;

  if (total <= single) {
    return { dataCoding, segments: [{ shortMessage: Buffer.concat(atoms.map((a) => Buffer.from(a.bytes))), esmClass: 0, tlvs: [] }] };
  }
  if (mode === 'payload') {
    const payload = Buffer.concat(atoms.map((a) => Buffer.from(a.bytes)));
    return {
      dataCoding,
      segments: [{ shortMessage: Buffer.alloc(0), esmClass: 0, tlvs: [{ tag: TlvTag.message_payload, value: payload }] }],
    };
  }

  const payloads = split(atoms, partCapacity(mode, ucs2));
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
