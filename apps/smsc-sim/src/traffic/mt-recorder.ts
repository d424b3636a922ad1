import {
  ConcatReassembler,
  ESM_CLASS_UDHI,
  TlvTag,
  decodeShortMessage,
  parseUdh,
  type ExpiredConcat,
} from '@parchee/smpp';
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

export type ConcatScheme = 'udh8' | 'udh16' | 'sar';

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

interface PartsMeta {
  /** message_id given to each part, by part number; also tells duplicates apart. */
  messageIds: Array<string | undefined>;
}

const SEP = '\u0000';

function tlvValue(tlvs: SubmittedSm['tlvs'], tag: number): Buffer | undefined {
  return tlvs.find((t) => t.tag === tag)?.value;
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'DECODE_FAILED';
}

/**
 * Records every submit_sm, joins concatenated parts per (operator, destination, reference), keeps
 * the newest complete MTs, and hands each complete MT to the oldest caller waiting for a reply to
 * that MSISDN on that operator.
 */
export class MtRecorder {
  private readonly history: RingBuffer<RecordedMt>;
  private readonly reassembler: ConcatReassembler;
  private readonly partsMeta = new Map<string, PartsMeta>();
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
    this.reassembler = new ConcatReassembler({
      timeoutMs: opts.concatTimeoutMs,
      clock: this.clock,
      onExpired: (expired) => this.onExpired(expired),
    });
    const sweepIntervalMs = opts.sweepIntervalMs ?? 1_000;
    if (sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(() => this.reassembler.sweep(), sweepIntervalMs);
      this.sweepTimer.unref();
    }
  }

  /** Records one submit_sm part. Returns the MT when this part completes it. */
  record(operator: string, sm: SubmittedSm, messageId: string): RecordedMt | null {
    const now = this.clock.now();
    // Sweep first so an expired message's bookkeeping is gone before this part is matched to it.
    this.reassembler.sweep(now);
    this.stats.of(operator).mtParts++;
    const base = { operator, sourceAddr: sm.sourceAddr, destinationAddr: sm.destinationAddr, dataCoding: sm.dataCoding };

    let payload = sm.shortMessage;
    if (sm.esmClass & ESM_CLASS_UDHI) {
      const parsed = parseUdh(sm.shortMessage);
      if (!parsed) return this.complete({ ...base, text: '', parts: 1, messageIds: [messageId], error: 'MALFORMED_UDH', firstPartAt: now }, now);
      payload = parsed.payload;
      const c = parsed.udh.concat;
      if (c && c.total > 1) {
        return this.addPart(base, { ref: c.ref, total: c.total, seq: c.seq, scheme: c.refBits === 8 ? 'udh8' : 'udh16' }, payload, messageId, now);
      }
    }

    const sarRef = tlvValue(sm.tlvs, TlvTag.sar_msg_ref_num);
    const sarTotal = tlvValue(sm.tlvs, TlvTag.sar_total_segments);
    const sarSeq = tlvValue(sm.tlvs, TlvTag.sar_segment_seqnum);
    if (sarRef?.length === 2 && sarTotal?.length === 1 && sarSeq?.length === 1 && sarTotal[0] > 1 && sarSeq[0] >= 1 && sarSeq[0] <= sarTotal[0]) {
      return this.addPart(base, { ref: sarRef.readUInt16BE(0), total: sarTotal[0], seq: sarSeq[0], scheme: 'sar' }, payload, messageId, now);
    }

    // SMPP 3.4 5.3.2.32: message_payload replaces short_message, which must then be empty.
    const messagePayload = tlvValue(sm.tlvs, TlvTag.message_payload);
    const usePayload = messagePayload !== undefined && payload.length === 0;
    const text = this.decode(sm.dataCoding, usePayload ? messagePayload : payload);
    return this.complete(
      { ...base, ...text, parts: 1, messageIds: [messageId], messagePayload: usePayload || undefined, firstPartAt: now },
      now,
    );
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
    return this.reassembler.pendingCount;
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
    this.reassembler.clear();
    this.partsMeta.clear();
  }

  private addPart(
    base: Pick<RecordedMt, 'operator' | 'sourceAddr' | 'destinationAddr' | 'dataCoding'>,
    concat: { ref: number; total: number; seq: number; scheme: ConcatScheme },
    payload: Buffer,
    messageId: string,
    now: number,
  ): RecordedMt | null {
    const sourceKey = `${base.operator}${SEP}${base.destinationAddr}${SEP}${concat.scheme}`;
    const metaKey = `${sourceKey}${SEP}${concat.ref}${SEP}${concat.total}`;
    const meta = this.partsMeta.get(metaKey) ?? this.newMeta(metaKey, concat.total);
    if (meta.messageIds[concat.seq - 1] !== undefined) return null;
    meta.messageIds[concat.seq - 1] = messageId;
    let done;
    try {
      done = this.reassembler.add({ sourceKey, ref: concat.ref, total: concat.total, seq: concat.seq, dataCoding: base.dataCoding, payload });
    } catch (err) {
      this.partsMeta.delete(metaKey);
      return this.complete(
        {
          ...base,
          text: '',
          parts: concat.total,
          messageIds: meta.messageIds.filter((id): id is string => id !== undefined),
          error: errorCode(err),
          concat: { ref: concat.ref, total: concat.total, scheme: concat.scheme },
          firstPartAt: now,
        },
        now,
      );
    }
    if (!done && !this.partsMeta.has(metaKey)) {
      // The clock moved on inside add() and the old message expired there: this part starts a new one.
      this.newMeta(metaKey, concat.total).messageIds[concat.seq - 1] = messageId;
    }
    if (!done) return null;
    this.partsMeta.delete(metaKey);
    return this.complete(
      {
        ...base,
        text: done.text,
        parts: done.total,
        messageIds: meta.messageIds.filter((id): id is string => id !== undefined),
        concat: { ref: concat.ref, total: concat.total, scheme: concat.scheme },
        firstPartAt: done.firstPartAt,
      },
      now,
    );
  }

  private newMeta(metaKey: string, total: number): PartsMeta {
    const meta: PartsMeta = { messageIds: new Array<string | undefined>(total) };
    this.partsMeta.set(metaKey, meta);
    return meta;
  }

  private decode(dataCoding: number, bytes: Buffer): { text: string; error?: string } {
    try {
      return { text: decodeShortMessage(dataCoding, bytes) };
    } catch (err) {
      return { text: '', error: errorCode(err) };
    }
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

  private onExpired(expired: ExpiredConcat): void {
    const [operator, destination] = expired.sourceKey.split(SEP);
    this.partsMeta.delete(`${expired.sourceKey}${SEP}${expired.ref}${SEP}${expired.total}`);
    this.stats.of(operator).mtIncompleteExpired++;
    this.logger.warn(
      { operator, to: maskMsisdn(destination), ref: expired.ref, total: expired.total, received: expired.received },
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
