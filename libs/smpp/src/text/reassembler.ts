import { alphabetOf, decodeShortMessage } from './data-coding';
import { unpackGsm7Payload } from './gsm7';

/** Time source, injectable so expiry can be tested without waiting. */
export interface ReassemblyClock {
  now(): number;
}

export interface ConcatPart<T = unknown> {
  /** Who sent it, as the caller scopes references: e.g. operator + source MSISDN. */
  sourceKey: string;
  ref: number;
  total: number;
  /** 1-based part number. */
  seq: number;
  dataCoding: number;
  /** The part's user data without its UDH. */
  payload: Buffer;
  /** GSM 7-bit payload is packed; it is unpacked per part before joining. */
  gsm7Packed?: boolean;
  /** Fill bits before the first packed septet of this part (after its UDH). */
  gsm7PaddingBits?: number;
  /** The caller's own datum for this part (e.g. the message_id it was answered with), handed back in part order. */
  tag?: T;
}

export interface ReassembledMessage {
  sourceKey: string;
  ref: number;
  total: number;
  dataCoding: number;
  text: string;
  firstPartAt: number;
  completedAt: number;
}

/** A complete message as joined bytes, not yet decoded: what `collect` gives. */
export interface CollectedConcat<T = unknown> {
  sourceKey: string;
  ref: number;
  total: number;
  /** data_coding of the part that arrived first. */
  dataCoding: number;
  /** The parts' user data joined in part order (GSM 7-bit unpacked when the parts were packed). */
  bytes: Buffer;
  /** Each part's tag, in part order. */
  tags: Array<T | undefined>;
  firstPartAt: number;
  completedAt: number;
}

/**
 * What became of one part: it completed its message, it was stored to wait for the others, it
 * repeated a part already held (ignored: the first copy stays), or its seq/total are out of range.
 */
export type ConcatCollectResult<T = unknown> =
  | { status: 'complete'; message: CollectedConcat<T> }
  | { status: 'buffered'; received: number; total: number }
  | { status: 'duplicate' }
  | { status: 'invalid' };

export interface ExpiredConcat {
  sourceKey: string;
  ref: number;
  total: number;
  /** How many distinct parts had arrived. */
  received: number;
  firstPartAt: number;
}

/**
 * Why an incomplete message was dropped: its first part is older than the timeout; the pending cap
 * was reached and it was the oldest; or (with `onTotalChange: 'restart'`) a part with the same
 * source and ref announced another total.
 */
export type ConcatDropReason = 'timeout' | 'pending_cap' | 'total_changed';

export interface DroppedConcat extends ExpiredConcat {
  reason: ConcatDropReason;
}

export interface ConcatReassemblerOptions {
  /** Incomplete messages are dropped this long after their first part. Default 60 000 ms. */
  timeoutMs?: number;
  /** Called once for every incomplete message dropped on timeout. */
  onExpired?: (expired: ExpiredConcat) => void;
  /** Called once for every incomplete message dropped, whatever the reason (timeouts included). */
  onDropped?: (dropped: DroppedConcat) => void;
  /** At most this many incomplete messages are held; a new one beyond it drops the oldest ('pending_cap'). Default: no cap. */
  maxPending?: number;
  /**
   * A part whose total differs from the pending message with the same source and ref: 'separate'
   * (default) holds it as another message; 'restart' drops the pending one ('total_changed') and
   * starts over with this part, since a reused reference means the old message is not coming.
   */
  onTotalChange?: 'separate' | 'restart';
  clock?: ReassemblyClock;
}

interface Pending<T> {
  sourceKey: string;
  ref: number;
  total: number;
  dataCoding: number;
  firstPartAt: number;
  parts: Array<Buffer | undefined>;
  tags: Array<T | undefined>;
  received: number;
}

const systemClock: ReassemblyClock = { now: () => Date.now() };

/**
 * Collects the parts of concatenated messages keyed by (source, ref, total) (by (source, ref) with
 * `onTotalChange: 'restart'`) and yields the whole text once every part is in. Parts are joined as
 * bytes before decoding, so a character that a careless sender split across parts still decodes.
 * Expiry is checked on every `add`/`collect` and on `sweep`; callers that may go quiet should call
 * `sweep` on a timer.
 */
export class ConcatReassembler<T = unknown> {
  private readonly pending = new Map<string, Pending<T>>();
  private readonly timeoutMs: number;
  private readonly maxPending: number;
  private readonly restartOnTotalChange: boolean;
  private readonly clock: ReassemblyClock;
  private readonly onExpired?: (expired: ExpiredConcat) => void;
  private readonly onDropped?: (dropped: DroppedConcat) => void;

  constructor(opts: ConcatReassemblerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxPending = Math.max(1, opts.maxPending ?? Infinity);
    this.restartOnTotalChange = opts.onTotalChange === 'restart';
    this.clock = opts.clock ?? systemClock;
    this.onExpired = opts.onExpired;
    this.onDropped = opts.onDropped;
  }

  /** Messages waiting for more parts. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /**
   * Adds a part. Returns the message when this part completes it, otherwise null (also for a
   * duplicate part or one whose seq is outside 1..total). Decoding errors of the completed
   * message (binary data_coding) are thrown after the message has been removed.
   */
  add(part: ConcatPart<T>): ReassembledMessage | null {
    const result = this.collect(part);
    if (result.status !== 'complete') return null;
    const { sourceKey, ref, total, dataCoding, bytes, firstPartAt, completedAt } = result.message;
    // Already unpacked by collect, so the joined septets decode as unpacked GSM.
    return { sourceKey, ref, total, dataCoding, text: decodeShortMessage(dataCoding, bytes), firstPartAt, completedAt };
  }

  /** Adds a part like `add`, but says what became of it and gives a complete message as joined bytes, undecoded. */
  collect(part: ConcatPart<T>): ConcatCollectResult<T> {
    const now = this.clock.now();
    this.sweep(now);
    if (!Number.isInteger(part.total) || part.total < 1 || !Number.isInteger(part.seq) || part.seq < 1 || part.seq > part.total) {
      return { status: 'invalid' };
    }
    const key = this.restartOnTotalChange ? `${part.sourceKey}\u0000${part.ref}` : `${part.sourceKey}\u0000${part.ref}\u0000${part.total}`;
    let entry = this.pending.get(key);
    if (entry && entry.total !== part.total) {
      this.drop(key, entry, 'total_changed');
      entry = undefined;
    }
    if (!entry) {
      if (this.pending.size >= this.maxPending) {
        // The oldest is first in insertion order, and the nearest to expiring anyway.
        const [oldestKey, oldest] = this.pending.entries().next().value as [string, Pending<T>];
        this.drop(oldestKey, oldest, 'pending_cap');
      }
      entry = {
        sourceKey: part.sourceKey,
        ref: part.ref,
        total: part.total,
        dataCoding: part.dataCoding,
        firstPartAt: now,
        parts: new Array<Buffer | undefined>(part.total),
        tags: new Array<T | undefined>(part.total),
        received: 0,
      };
      this.pending.set(key, entry);
    }
    if (entry.parts[part.seq - 1] !== undefined) return { status: 'duplicate' };
    entry.parts[part.seq - 1] =
      part.gsm7Packed && alphabetOf(part.dataCoding) === 'gsm7' ? unpackGsm7Payload(part.payload, part.gsm7PaddingBits ?? 0) : Buffer.from(part.payload);
    entry.tags[part.seq - 1] = part.tag;
    entry.received++;
    if (entry.received < entry.total) return { status: 'buffered', received: entry.received, total: entry.total };

    this.pending.delete(key);
    return {
      status: 'complete',
      message: {
        sourceKey: entry.sourceKey,
        ref: entry.ref,
        total: entry.total,
        dataCoding: entry.dataCoding,
        bytes: Buffer.concat(entry.parts as Buffer[]),
        tags: entry.tags,
        firstPartAt: entry.firstPartAt,
        completedAt: now,
      },
    };
  }

  /** Drops messages older than the timeout, reporting each through `onExpired` and `onDropped`. Returns how many. */
  sweep(now: number = this.clock.now()): number {
    let dropped = 0;
    // Map iteration follows insertion order, which is first-part order: stop at the first live one.
    for (const [key, entry] of this.pending) {
      if (now - entry.firstPartAt < this.timeoutMs) break;
      this.drop(key, entry, 'timeout');
      dropped++;
    }
    return dropped;
  }

  /** Forgets every pending message without reporting it (shutdown). */
  clear(): void {
    this.pending.clear();
  }

  private drop(key: string, entry: Pending<T>, reason: ConcatDropReason): void {
    this.pending.delete(key);
    const expired: ExpiredConcat = {
      sourceKey: entry.sourceKey,
      ref: entry.ref,
      total: entry.total,
      received: entry.received,
      firstPartAt: entry.firstPartAt,
    };
    if (reason === 'timeout') this.onExpired?.(expired);
    this.onDropped?.({ ...expired, reason });
  }
}
