import { TlvTag } from '../codec/tlv-tag';
import { decodeShortMessage } from './data-coding';
import { ConcatReassembler, type ConcatDropReason, type DroppedConcat, type ReassemblyClock } from './reassembler';
import { SmsLimits } from './segmenter';
import { SmsTextError } from './sms-text-error';
import { ESM_CLASS_UDHI, parseUdh } from './udh';

/** The fields of a deliver_sm, submit_sm or data_sm that carry a message's text. */
export interface SmsUserDataFields {
  esmClass: number;
  dataCoding: number;
  shortMessage: Buffer;
  tlvs: ReadonlyArray<{ tag: number; value: Buffer }>;
}

/** How a part says which message it belongs to: a UDH concatenation IE with an 8-bit or 16-bit reference, or SAR TLVs. */
export type ConcatScheme = 'udh8' | 'udh16' | 'sar';

export interface ConcatPartInfo {
  scheme: ConcatScheme;
  ref: number;
  total: number;
  /** 1-based. */
  seq: number;
}

/** One PDU's user data, read on its own. */
export interface UserData {
  /** As delivered, UDH included: message_payload when it carries the text, else short_message. */
  raw: Buffer;
  /** The text's bytes: `raw` after its UDH. */
  payload: Buffer;
  /** The user data came in the message_payload TLV. */
  messagePayload: boolean;
  /** esm_class had UDHI set but no well-formed header was found: `payload` is then all of `raw`. */
  malformedUdh: boolean;
  /** Set when this PDU is a part of a concatenated message. */
  concat?: ConcatPartInfo;
}

/** Decoded text, or '' and the SmsTextError code (e.g. BINARY_DATA_CODING) when it is not text we read. */
export interface DecodedText {
  text: string;
  error?: string;
}

/** A whole message: a single PDU, or every part of a concatenated one. */
export interface CompleteSms<T = undefined> {
  sourceKey: string;
  /** Decoded text; '' when `error` is set. */
  text: string;
  /**
   * The bytes that identify the message: for a single PDU its user data as delivered (UDH
   * included); for a concatenated one the UTF-8 of the reassembled text (the joined part payloads
   * when the text could not be decoded), so the same message split differently is still the same.
   */
  bytes: Buffer;
  /** For a concatenated message, that of its first-arriving part. */
  dataCoding: number;
  parts: number;
  /** Set for a concatenated message (also one announced as 1 part of 1). */
  concat?: { scheme: ConcatScheme; ref: number; total: number };
  /** A single PDU whose user data came in message_payload. */
  messagePayload: boolean;
  /** A single PDU with UDHI set and no well-formed header, read as plain text. */
  malformedUdh: boolean;
  /** Why the text could not be decoded (an SmsTextError code, or DECODE_FAILED). */
  error?: string;
  /** The tag given with each part, in part order. */
  tags: Array<T | undefined>;
  firstPartAt: number;
  completedAt: number;
}

/**
 * What a PDU gave: a complete message; a part stored until the others come; or a repeat of a part
 * already held (ignored, the first copy stays).
 */
export type ConcatReadResult<T = undefined> =
  | { status: 'complete'; message: CompleteSms<T> }
  | { status: 'buffered'; part: ConcatPartInfo; received: number }
  | { status: 'duplicate'; part: ConcatPartInfo };

/** An incomplete concatenated message given up on. */
export interface ConcatDrop {
  sourceKey: string;
  scheme: ConcatScheme;
  ref: number;
  total: number;
  /** Distinct parts that had arrived. */
  received: number;
  firstPartAt: number;
  reason: ConcatDropReason;
}

export interface ConcatReaderOptions {
  /** Incomplete messages are dropped this long after their first part. Default 60 000 ms. */
  timeoutMs?: number;
  /** At most this many incomplete messages are held; a new one beyond it drops the oldest. Default 100 000. */
  maxPending?: number;
  /** Called once for every incomplete message dropped, with the reason. */
  onDropped?: (dropped: ConcatDrop) => void;
  clock?: ReassemblyClock;
}

const SEP = '\u0000';

/** An integer TLV read leniently: 1 to 4 octets, whatever the tag's nominal size; undefined otherwise. */
function tlvInt(tlvs: SmsUserDataFields['tlvs'], tag: number): number | undefined {
  const value = tlvs.find((t) => t.tag === tag)?.value;
  return value && value.length >= 1 && value.length <= 4 ? value.readUIntBE(0, value.length) : undefined;
}

function sarOf(tlvs: SmsUserDataFields['tlvs']): ConcatPartInfo | undefined {
  const ref = tlvInt(tlvs, TlvTag.sar_msg_ref_num);
  const total = tlvInt(tlvs, TlvTag.sar_total_segments);
  const seq = tlvInt(tlvs, TlvTag.sar_segment_seqnum);
  if (ref === undefined || total === undefined || seq === undefined) return undefined;
  // As TS 23.040 says of the UDH: 0 parts or a seq outside 1..total means "not concatenated".
  if (total < 1 || total > SmsLimits.MAX_PARTS || seq < 1 || seq > total) return undefined;
  return { scheme: 'sar', ref, total, seq };
}

/**
 * A PDU's user data and its concatenation information, without reassembly. The text is in
 * message_payload when that TLV is present (non-empty, or short_message is empty too: SMPP 3.4
 * 5.3.2.32 has short_message empty then; some SMSCs leave a truncated copy there), else in
 * short_message. With UDHI set the header is stripped; a header that does not parse leaves the
 * whole user data as text (flagged `malformedUdh`), since SMSCs that set UDHI on plain text exist.
 * A UDH concatenation IE wins over SAR TLVs; concatenation values out of range are ignored.
 */
export function userDataOf(body: SmsUserDataFields): UserData {
  const payloadTlv = body.tlvs.find((t) => t.tag === TlvTag.message_payload)?.value;
  const messagePayload = payloadTlv !== undefined && (payloadTlv.length > 0 || body.shortMessage.length === 0);
  const raw = messagePayload ? (payloadTlv as Buffer) : body.shortMessage;
  if (body.esmClass & ESM_CLASS_UDHI) {
    const parsed = parseUdh(raw);
    if (!parsed) return { raw, payload: raw, messagePayload, malformedUdh: true };
    const c = parsed.udh.concat;
    const concat: ConcatPartInfo | undefined = c ? { scheme: c.refBits === 8 ? 'udh8' : 'udh16', ref: c.ref, total: c.total, seq: c.seq } : sarOf(body.tlvs);
    return { raw, payload: parsed.payload, messagePayload, malformedUdh: false, concat };
  }
  return { raw, payload: raw, messagePayload, malformedUdh: false, concat: sarOf(body.tlvs) };
}

/** decodeShortMessage that does not throw: undecodable content is '' with its error code. */
export function decodeText(dataCoding: number, bytes: Buffer): DecodedText {
  try {
    return { text: decodeShortMessage(dataCoding, bytes) };
  } catch (err) {
    return { text: '', error: err instanceof SmsTextError ? err.code : 'DECODE_FAILED' };
  }
}

/**
 * Reads the text of deliver_sm or submit_sm bodies, joining concatenated messages: UDH
 * concatenation IEs with 8-bit and 16-bit references, SAR TLVs, and text carried whole in
 * message_payload. One call per PDU; each gives a complete message or says the part is held.
 *
 * Strictness: liberal in what it accepts, and never throws.
 * - Parts are joined per (source key, scheme, ref) in any order; a repeated part is ignored and
 *   the first copy kept (an SMSC re-sends a part whose response it lost).
 * - A part whose total differs from the pending message with the same source, scheme and ref
 *   starts over: the pending message is dropped (reason 'total_changed'), since a reference
 *   reused with another total means the old message is not coming.
 * - Concatenation values out of range (0 parts, more than 255, seq outside 1..total) are ignored
 *   and the PDU is read as a single message, as TS 23.040 says of the UDH.
 * - A malformed UDH makes the PDU a single message of all its user data (flagged).
 * - Undecodable text (binary data_coding) is a complete message with `error` and text ''.
 * - Incomplete messages are dropped `timeoutMs` after their first part (checked on every read
 *   and on `sweep`), and the oldest is dropped beyond `maxPending`; each drop is reported once.
 * - Parts of one message may differ in data_coding; the first-arriving part's is used.
 */
export class ConcatReader<T = undefined> {
  private readonly reassembler: ConcatReassembler<T>;
  private readonly clock: ReassemblyClock;

  constructor(opts: ConcatReaderOptions = {}) {
    const onDropped = opts.onDropped;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.reassembler = new ConcatReassembler<T>({
      timeoutMs: opts.timeoutMs ?? 60_000,
      maxPending: opts.maxPending ?? 100_000,
      onTotalChange: 'restart',
      clock: this.clock,
      onDropped: onDropped ? (d) => onDropped(dropOf(d)) : undefined,
    });
  }

  /** Incomplete messages waiting for parts. */
  get pendingCount(): number {
    return this.reassembler.pendingCount;
  }

  /**
   * Reads one PDU from `sourceKey` (who sent it, as references are scoped: e.g. operator and
   * MSISDN). `tag` is the caller's datum for this part, handed back in part order.
   */
  read(sourceKey: string, body: SmsUserDataFields, tag?: T): ConcatReadResult<T> {
    const now = this.clock.now();
    this.reassembler.sweep(now);
    const data = userDataOf(body);
    const part = data.concat;
    if (!part) return { status: 'complete', message: this.single(sourceKey, body.dataCoding, data, tag, now) };
    const result = this.reassembler.collect({
      sourceKey: `${sourceKey}${SEP}${part.scheme}`,
      ref: part.ref,
      total: part.total,
      seq: part.seq,
      dataCoding: body.dataCoding,
      payload: data.payload,
      tag,
    });
    switch (result.status) {
      case 'buffered':
        return { status: 'buffered', part, received: result.received };
      case 'duplicate':
        return { status: 'duplicate', part };
      case 'invalid':
        // Not reached: userDataOf gives only parts in range.
        return { status: 'complete', message: this.single(sourceKey, body.dataCoding, { ...data, concat: undefined }, tag, now) };
      case 'complete': {
        const m = result.message;
        const decoded = decodeText(m.dataCoding, m.bytes);
        return {
          status: 'complete',
          message: {
            sourceKey,
            ...decoded,
            bytes: decoded.error === undefined ? Buffer.from(decoded.text, 'utf8') : m.bytes,
            dataCoding: m.dataCoding,
            parts: m.total,
            concat: { scheme: part.scheme, ref: m.ref, total: m.total },
            messagePayload: false,
            malformedUdh: false,
            tags: m.tags,
            firstPartAt: m.firstPartAt,
            completedAt: m.completedAt,
          },
        };
      }
    }
  }

  /** Drops incomplete messages past the timeout, reporting each. Returns how many. */
  sweep(now?: number): number {
    return this.reassembler.sweep(now ?? this.clock.now());
  }

  /** Forgets every incomplete message without reporting it (shutdown). */
  clear(): void {
    this.reassembler.clear();
  }

  private single(sourceKey: string, dataCoding: number, data: UserData, tag: T | undefined, now: number): CompleteSms<T> {
    return {
      sourceKey,
      ...decodeText(dataCoding, data.payload),
      bytes: data.raw,
      dataCoding,
      parts: 1,
      messagePayload: data.messagePayload,
      malformedUdh: data.malformedUdh,
      tags: [tag],
      firstPartAt: now,
      completedAt: now,
    };
  }
}

function dropOf(d: DroppedConcat): ConcatDrop {
  const at = d.sourceKey.lastIndexOf(SEP);
  return {
    sourceKey: d.sourceKey.slice(0, at),
    scheme: d.sourceKey.slice(at + 1) as ConcatScheme,
    ref: d.ref,
    total: d.total,
    received: d.received,
    firstPartAt: d.firstPartAt,
    reason: d.reason,
  };
}
