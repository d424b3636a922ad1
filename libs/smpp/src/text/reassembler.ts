import { alphabetOf, decodeShortMessage } from './data-coding';
import { unpackGsm7Payload } from './gsm7';

/** Time source, injectable so expiry can be tested without waiting. */
export interface ReassemblyClock {
  now(): number;
}

export interface ConcatPart {
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

export interface ExpiredConcat {
  sourceKey: string;
  ref: number;
  total: number;
  /** How many distinct parts had arrived. */
  received: number;
  firstPartAt: number;
}

export interface ConcatReassemblerOptions {
  /** Incomplete messages are dropped this long after their first part. Default 60 000 ms. */
  timeoutMs?: number;
  /** Called once for every incomplete message dropped on timeout. */
  onExpired?: (expired: ExpiredConcat) => void;
  clock?: ReassemblyClock;
}

interface Pending {
  sourceKey: string;
  ref: number;
  total: number;
  dataCoding: number;
  firstPartAt: number;
  parts: Array<Buffer | undefined>;
  received: number;
}

const systemClock: ReassemblyClock = { now: () => Date.now() };

/**
 * Collects the parts of concatenated messages keyed by (source, ref, total) and yields the whole
 * text once every part is in. Parts are joined as bytes before decoding, so a character that a
 * careless sender split across parts still decodes. Expiry is checked on every `add` and on
 * `sweep`; callers that may go quiet should call `sweep` on a timer.
 */
export class ConcatReassembler {
  private readonly pending = new Map<string, Pending>();
  private readonly timeoutMs: number;
  private readonly clock: ReassemblyClock;
  private readonly onExpired?: (expired: ExpiredConcat) => void;

  constructor(opts: ConcatReassemblerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.clock = opts.clock ?? systemClock;
    this.onExpired = opts.onExpired;
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
  add(part: ConcatPart): ReassembledMessage | null {
    const now = this.clock.now();
    this.sweep(now);
    if (!Number.isInteger(part.total) || part.total < 1 || !Number.isInteger(part.seq) || part.seq < 1 || part.seq > part.total) {
      return null;
    }
    const key = `${part.sourceKey}\u0000${part.ref}\u0000${part.total}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = {
        sourceKey: part.sourceKey,
        ref: part.ref,
        total: part.total,
        dataCoding: part.dataCoding,
        firstPartAt: now,
        parts: new Array<Buffer | undefined>(part.total),
        received: 0,
      };
      this.pending.set(key, entry);
    }
    if (entry.parts[part.seq - 1] !== undefined) return null;
    entry.parts[part.seq - 1] =
      part.gsm7Packed && alphabetOf(part.dataCoding) === 'gsm7'
        ? unpackGsm7Payload(part.payload, part.gsm7PaddingBits ?? 0)
        : Buffer.from(part.payload);
    entry.received++;
    if (entry.received < entry.total) return null;

    this.pending.delete(key);
    const bytes = Buffer.concat(entry.parts as Buffer[]);
    return {
      sourceKey: entry.sourceKey,
      ref: entry.ref,
      total: entry.total,
      dataCoding: entry.dataCoding,
      // Already unpacked above, so the joined septets decode as unpacked GSM.
      text: decodeShortMessage(entry.dataCoding, bytes),
      firstPartAt: entry.firstPartAt,
      completedAt: now,
    };
  }

  /** Drops messages older than the timeout, reporting each through `onExpired`. Returns how many. */
  sweep(now: number = this.clock.now()): number {
    let dropped = 0;
    // Map iteration follows insertion order, which is first-part order: stop at the first live one.
    for (const [key, entry] of this.pending) {
      if (now - entry.firstPartAt < this.timeoutMs) break;
      this.pending.delete(key);
      dropped++;
      this.onExpired?.({
        sourceKey: entry.sourceKey,
        ref: entry.ref,
        total: entry.total,
        received: entry.received,
        firstPartAt: entry.firstPartAt,
      });
    }
    return dropped;
  }

  /** Forgets every pending message without reporting it (shutdown). */
  clear(): void {
    this.pending.clear();
  }
}
