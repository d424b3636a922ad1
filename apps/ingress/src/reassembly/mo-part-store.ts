import { ConcatReassembler, type ConcatDropReason, type ConcatScheme } from '@parchee/smpp';

/** One part of a concatenated MO, as the store keeps it. */
export interface MoPart {
  operator: string;
  /** The sender as a keyed hash of the MSISDN: references are the sender's own. */
  sender: string;
  scheme: ConcatScheme;
  ref: number;
  total: number;
  /** 1-based. */
  seq: number;
  dataCoding: number;
  /** The part's user data without its header. */
  payload: Buffer;
}

/**
 * What became of a part: held until the others come; a repeat of a part already held (the first
 * copy stays); the last one, which completes the message; or, when the parts held could not be
 * read back, the message given up (reported as dropped).
 */
export type MoPartOutcome =
  | { status: 'buffered' }
  | { status: 'duplicate' }
  | { status: 'dropped' }
  | {
      status: 'complete';
      /** data_coding of the part that arrived first. */
      dataCoding: number;
      /** The parts' user data joined in part order. */
      bytes: Buffer;
      /**
       * Forgets the message; call once it is published. Until then it stays whole, so the SMSC's
       * re-delivery of a part refused because the publish failed completes it again. Never rejects.
       */
      release(): Promise<void>;
    };

/**
 * Why an incomplete message was given up: its first part is older than the timeout; the cap of
 * pending messages was reached and it was the oldest; a part with the same reference announced
 * another total (the old message is not coming); or its parts could not be read back.
 */
export type MoPartDropReason = ConcatDropReason | 'unreadable';

export interface DroppedMo {
  operator: string;
  scheme: ConcatScheme;
  total: number;
  /** Distinct parts that had arrived. */
  received: number;
  reason: MoPartDropReason;
}

/**
 * Where the parts of concatenated MOs wait for each other. `add` resolves only once the part is
 * recorded, and rejects when it cannot be: the part is then refused with a temporary error, so
 * the SMSC keeps it and delivers it again.
 */
export interface MoPartStore {
  add(part: MoPart): Promise<MoPartOutcome>;
  /** Gives up the messages whose first part is older than the timeout, reporting each. Resolves with how many; never rejects. */
  sweep(): Promise<number>;
}

export interface MemoryMoPartStoreOptions {
  /** Incomplete messages are given up this long after their first part, ms. */
  timeoutMs: number;
  /** At most this many incomplete messages are held; a new one beyond it drops the oldest. */
  maxPending: number;
  onDropped?: (dropped: DroppedMo) => void;
  now?: () => number;
}

const SEP = '\u0000';

/**
 * The parts in this process's memory: parts that reach another replica never join these, and a
 * restart loses them. For a single process (tests, a one-replica setup); ingress runs the Redis
 * store (RedisMoPartStore).
 */
export class MemoryMoPartStore implements MoPartStore {
  private readonly reassembler: ConcatReassembler;

  constructor(options: MemoryMoPartStoreOptions) {
    const now = options.now ?? Date.now;
    const onDropped = options.onDropped;
    this.reassembler = new ConcatReassembler({
      timeoutMs: options.timeoutMs,
      maxPending: options.maxPending,
      onTotalChange: 'restart',
      clock: { now },
      onDropped: onDropped
        ? (d) => {
            const [operator, , scheme] = d.sourceKey.split(SEP);
            onDropped({ operator, scheme: scheme as ConcatScheme, total: d.total, received: d.received, reason: d.reason });
          }
        : undefined,
    });
  }

  async add(part: MoPart): Promise<MoPartOutcome> {
    const result = this.reassembler.collect({
      sourceKey: [part.operator, part.sender, part.scheme].join(SEP),
      ref: part.ref,
      total: part.total,
      seq: part.seq,
      dataCoding: part.dataCoding,
      payload: part.payload,
    });
    switch (result.status) {
      case 'complete':
        return { status: 'complete', dataCoding: result.message.dataCoding, bytes: result.message.bytes, release: async () => undefined };
      case 'buffered':
        return { status: 'buffered' };
      default:
        // 'invalid' is not reached: the reader hands over parts in range only.
        return { status: 'duplicate' };
    }
  }

  async sweep(): Promise<number> {
    return this.reassembler.sweep();
  }
}
