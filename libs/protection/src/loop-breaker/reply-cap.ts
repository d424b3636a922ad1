import { KeyedHasher } from '@parchee/privacy';
import { silentLogger, type Logger } from '@parchee/observability';
import { GuardKeys, RedisKeys, commandBatch, type RedisClient } from '@parchee/redis';
import type { GuardAllowlist } from '../guard/guard-allowlist';

export interface ReplyCapLimits {
  /** Help and invalid requests of one number answered in a clock hour; later ones in it get no reply. Default 5. */
  perHour: number;
  /** The same in a UTC day; every request counts, answered or not. Default 20. */
  perDay: number;
}

export const DEFAULT_REPLY_CAP: ReplyCapLimits = { perHour: 5, perDay: 20 };

export interface ReplyCapOptions {
  limits?: Partial<ReplyCapLimits>;
  allowlist?: GuardAllowlist;
  keyPrefix?: string;
  logger?: Logger;
  /** Redis could not answer: the batch's replies all go out (fail open). */
  onFailOpen?: (requests: number) => void;
  now?: () => number;
}

/** The part of the Redis client this needs, so a unit test can stand in for it. */
export type ReplyCapRedis = Pick<RedisClient, 'pipeline'>;

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The loop breaker. A help or "not understood" reply costs the sender nothing to provoke, does
 * not count toward the lookup limits, and differs from the text that provoked it, so a machine at
 * the other end (an auto-responder, or an SMSC that sends receipts in a form ingress does not
 * recognise) and Parchee could answer each other forever, one SMS each way. Only a number's first
 * few help and invalid requests in an hour or a day are answered; the rest get no reply at all:
 * silence is the only answer that cannot be answered.
 *
 * Counted in fixed windows (the clock hour and the UTC day; a replica's clock a little off only
 * moves a window's edge), one counter key per
 * number and window, `<prefix>replies:h:<hour>:<msisdn hash>` and `…:d:<day>:…`: INCRBY by the
 * batch's count and PEXPIRE at the window's end, in one pipeline for the batch (on a Redis Cluster,
 * one per node: commandBatch). A number's MOs share
 * a partition, so its requests within a batch are counted in order here and the counters stay exact.
 */
export class RedisReplyCap {
  private readonly limits: ReplyCapLimits;
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(
    private readonly redis: ReplyCapRedis,
    private readonly hasher: Pick<KeyedHasher, 'msisdn'>,
    private readonly options: ReplyCapOptions = {},
  ) {
    this.limits = { ...DEFAULT_REPLY_CAP, ...options.limits };
    this.prefix = (options.keyPrefix ?? RedisKeys.GUARD) + GuardKeys.REPLIES;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  /**
   * For each request (in order), true when its reply must be withheld. `msisdnHash` is
   * `KeyedHasher.msisdn` under this cap's pepper, when the caller has it already.
   */
  async mute(requests: ReadonlyArray<{ msisdn: string; msisdnHash?: Buffer }>): Promise<boolean[]> {
    const muted = new Array<boolean>(requests.length).fill(false);
    const allowlist = this.options.allowlist !== undefined && this.options.allowlist.size > 0 ? this.options.allowlist : null;
    // Per distinct number: how many of the batch's requests are its, and which.
    const byNumber = new Map<string, number[]>();
    for (let i = 0; i < requests.length; i++) {
      const hash = requests[i].msisdnHash ?? this.hasher.msisdn(requests[i].msisdn);
      if (allowlist?.has(hash)) continue;
      const text = KeyedHasher.text(hash);
      const indices = byNumber.get(text);
      if (indices) indices.push(i);
      else byNumber.set(text, [i]);
    }
    if (byNumber.size === 0) return muted;
    try {
      const now = this.now();
      const hour = Math.floor(now / HOUR_MS);
      const day = Math.floor(now / DAY_MS);
      const pipeline = commandBatch(this.redis);
      for (const [number, indices] of byNumber) {
        const hourKey = `${this.prefix}h:${hour}:${number}`;
        const dayKey = `${this.prefix}d:${day}:${number}`;
        pipeline.incrby(hourKey, indices.length).pexpireat(hourKey, (hour + 1) * HOUR_MS);
        pipeline.incrby(dayKey, indices.length).pexpireat(dayKey, (day + 1) * DAY_MS);
      }
      const results = await pipeline.exec();
      if (!results || results.length !== 4 * byNumber.size) throw new Error('reply cap write returned no results');
      let j = 0;
      for (const indices of byNumber.values()) {
        const [hourErr, hourCount] = results[j];
        const [dayErr, dayCount] = results[j + 2];
        j += 4;
        if (hourErr) throw hourErr;
        if (dayErr) throw dayErr;
        // The counters include this batch: its k-th request was reply number (before + k).
        const hourBefore = Number(hourCount) - indices.length;
        const dayBefore = Number(dayCount) - indices.length;
        indices.forEach((index, k) => {
          muted[index] = hourBefore + k >= this.limits.perHour || dayBefore + k >= this.limits.perDay;
        });
      }
      return muted;
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, requests: requests.length }, 'reply cap unavailable; sending the batch’s help and invalid replies');
      this.options.onFailOpen?.(requests.length);
      return new Array<boolean>(requests.length).fill(false);
    }
  }
}
