import { ConcatReader, type ConcatDrop, type ConcatScheme } from '@parchee/smpp';
import type { Logger } from '@parchee/observability';
import { silentLogger } from '@parchee/observability';
import { maskMsisdn } from '@parchee/privacy';
import { SimError } from '../errors/sim-error';
import { RingBuffer } from './ring-buffer';
import type { TrafficStats } from './traffic-stats';

/** The fields of a submit_sm the recorder reads. */
export interface SubmittedSm {
  sourceAddr: string;
  destinationAddr: string;
  shortMessage: Buffer;
  dataCoding: number;
  esmClass: number;
  tlvs: ReadonlyArray<{ tag: number; value: Buffer }>;
}

export type { ConcatScheme };

/** One complete MT as the handset would show it. */
export interface RecordedMt {
  /** Increasing number of the MT in this simulator run. */
  seq: number;
  operator: string;
  sourceAddr: string;
  destinationAddr: string;
  dataCoding: number;
  /** Decoded text; empty when `error` is set. */
  text: string;
  parts: number;
  /** The message_id the simulator answered each part with, in part order. */
  messageIds: string[];
  concat?: { ref: number; total: number; scheme: ConcatScheme };
  /** The text came in one message_payload TLV. */
  messagePayload?: boolean;
  /** Why the text could not be decoded, e.g. BINARY_DATA_CODING or MALFORMED_UDH. */
  error?: string;
  firstPartAt: number;
  /** When the last part arrived (epoch ms). */
  receivedAt: number;
}

export interface MtWaiter {
  /** The next complete MT for the operator and MSISDN, or null on timeout. */
  promise: Promise<RecordedMt | null>;
  cancel(): void;
}

export interface MtRecorderOptions {
  historyLimit: number;
  concatTimeoutMs: number;
  stats: TrafficStats;
  clock?: { now(): number };
  logger?: Logger;
  /** How often incomplete concatenations are swept; 0 sweeps only when parts arrive. Default 1 000 ms. */
  sweepIntervalMs?: number;
}

interface Waiter {
  resolve(mt: RecordedMt | null): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const SEP = '\u0000';

/**
 * Records every submit_sm, joins concatenated parts per (operator, destination, scheme, reference)
 * with the library's ConcatReader (its strictness: any order, repeated parts ignored), keeps the
 * newest complete MTs, and hands each complete MT to the oldest caller waiting for a reply to that
 * MSISDN on that operator.
 */
export class MtRecorder {
  private readonly history: RingBuffer<RecordedMt>;
  /** Each part is tagged with the message_id it was answered with. */
  private readonly reader: ConcatReader<string>;
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly clock: { now(): number };
  private readonly logger: Logger;
  private readonly stats: TrafficStats;
  private readonly sweepTimer?: NodeJS.Timeout;
  private seq = 0;

  constructor(opts: MtRecorderOptions) {
    this.history = new RingBuffer<RecordedMt>(opts.historyLimit);
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.logger = opts.logger ?? silentLogger;
    this.stats = opts.stats;
    this.reader = new ConcatReader<string>({
      timeoutMs: opts.concatTimeoutMs,
      clock: this.clock,
      onDropped: (dropped) => this.onDropped(dropped),
    });
    const sweepIntervalMs = opts.sweepIntervalMs ?? 1_000;
    if (sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(() => this.reader.sweep(), sweepIntervalMs);
      this.sweepTimer.unref();
    }
  }

  /** Records one submit_sm part. Returns the MT when this part completes it. */
  record(operator: string, sm: SubmittedSm, messageId: string): RecordedMt | null {
    this.stats.of(operator).mtParts++;
    const read = this.reader.read(`${operator}${SEP}${sm.destinationAddr}`, sm, messageId);
    if (read.status !== 'complete') return null;
    const m = read.message;
    const mt: Omit<RecordedMt, 'seq' | 'receivedAt'> = {
      operator,
      sourceAddr: sm.sourceAddr,
      destinationAddr: sm.destinationAddr,
      dataCoding: m.dataCoding,
      text: m.malformedUdh ? '' : m.text,
      parts: m.parts,
      messageIds: m.tags.filter((id): id is string => id !== undefined),
      firstPartAt: m.firstPartAt,
    };
    // A "1 of 1" concatenation is shown as the single message it is.
    if (m.concat && m.concat.total > 1) mt.concat = { ref: m.concat.ref, total: m.concat.total, scheme: m.concat.scheme };
    if (m.messagePayload) mt.messagePayload = true;
    const error = m.malformedUdh ? 'MALFORMED_UDH' : m.error;
    if (error) mt.error = error;
    return this.complete(mt, m.completedAt);
  }

  /**
   * Waits for the next complete MT to `msisdn` from `operator`. Register before the MO goes out:
   * a fast service can answer before the deliver_sm_resp is back.
   */
  expectMt(operator: string, msisdn: string, timeoutMs: number): MtWaiter {
    const key = `${operator}${SEP}${msisdn}`;
    let waiter!: Waiter;
    const promise = new Promise<RecordedMt | null>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.removeWaiter(key, waiter);
        resolve(null);
      }, timeoutMs);
      waiter = { resolve, reject, timer };
    });
    const queue = this.waiters.get(key);
    if (queue) queue.push(waiter);
    else this.waiters.set(key, [waiter]);
    return {
      promise,
      cancel: () => {
        clearTimeout(waiter.timer);
        this.removeWaiter(key, waiter);
        waiter.resolve(null);
      },
    };
  }

  /** Newest complete MTs first, optionally for one MSISDN (destination) and/or operator. */
  recent(query: { msisdn?: string; operator?: string; limit?: number } = {}): RecordedMt[] {
    return this.history.newest(
      query.limit ?? 100,
      (mt) => (!query.msisdn || mt.destinationAddr === query.msisdn) && (!query.operator || mt.operator === query.operator),
    );
  }

  get pendingConcatenations(): number {
    return this.reader.pendingCount;
  }

  get waiting(): number {
    let n = 0;
    for (const q of this.waiters.values()) n += q.length;
    return n;
  }

  /** Stops the sweep timer and fails every waiter: the simulator is going away. */
  close(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const queue of this.waiters.values()) {
      for (const w of queue) {
        clearTimeout(w.timer);
        w.reject(new SimError('SHUTTING_DOWN', 'the simulator is shutting down', true));
      }
    }
    this.waiters.clear();
    this.reader.clear();
  }

  private complete(mt: Omit<RecordedMt, 'seq' | 'receivedAt'>, now: number): RecordedMt {
    const recorded: RecordedMt = { ...mt, seq: ++this.seq, receivedAt: now };
    const counters = this.stats.of(mt.operator);
    counters.mtMessages++;
    if (recorded.error) {
      counters.mtUndecodable++;
      this.logger.warn({ operator: mt.operator, to: maskMsisdn(mt.destinationAddr), reason: recorded.error }, 'MT text could not be decoded');
    }
    this.history.push(recorded);
    const key = `${mt.operator}${SEP}${mt.destinationAddr}`;
    const waiter = this.waiters.get(key)?.shift();
    if (waiter) {
      if (this.waiters.get(key)?.length === 0) this.waiters.delete(key);
      clearTimeout(waiter.timer);
      waiter.resolve(recorded);
    }
    return recorded;
  }

  /** Timed out, or given up for a newer message (pending cap, reference reused with another total). */
  private onDropped(dropped: ConcatDrop): void {
    const [operator, destination] = dropped.sourceKey.split(SEP);
    this.stats.of(operator).mtIncompleteExpired++;
    this.logger.warn(
      { operator, to: maskMsisdn(destination), ref: dropped.ref, total: dropped.total, received: dropped.received, reason: dropped.reason },
      'incomplete concatenated MT dropped',
    );
  }

  private removeWaiter(key: string, waiter: Waiter): void {
    const queue = this.waiters.get(key);
    if (!queue) return;
    const i = queue.indexOf(waiter);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.waiters.delete(key);
  }
}
