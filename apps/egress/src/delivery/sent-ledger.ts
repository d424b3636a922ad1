import { BatchedSets, RedisKeys, readMany, type RedisClient } from '@parchee/redis';
import type { MtProgress, MtProgressSink } from './mt-sender';

/** What the ledger holds of one MT: sent whole, or some of its parts accepted so far. */
export type LedgerEntry = { sent: true } | { sent: false; progress: MtProgress };

/**
 * Which MT ids were already submitted: what makes a replayed MT a no-op instead of a second SMS,
 * and a multipart MT read again (deferred, or its replica restarted) go on from its first part
 * the SMSC has not accepted, with the reference its first parts carried.
 */
export interface SentLedger extends MtProgressSink {
  /** What it holds of each of `ids` (absent: nothing). A ledger that cannot answer returns an empty map (send rather than stay silent). */
  recall(ids: string[]): Promise<Map<string, LedgerEntry>>;
  markSent(id: string): Promise<void>;
}

const PREFIX = RedisKeys.MT_SENT;

/** `p:<reference>:<parts accepted>:<parts>`. */
const PROGRESS = /^p:(\d+):(\d+):(\d+)$/;

/** The entry a stored value stands for. Anything but a progress record means sent: before progress was kept, every value was `1`. */
export function ledgerEntryOf(value: string): LedgerEntry {
  const m = PROGRESS.exec(value);
  if (!m) return { sent: true };
  return { sent: false, progress: { reference: Number(m[1]), accepted: Number(m[2]), parts: Number(m[3]) } };
}

/**
 * One key per MT, `parchee:mt:sent:<MT id>`: `1` once sent, `p:<reference>:<accepted>:<parts>`
 * while a multipart MT is under way. One key for both, so the batch's one MGET answers both
 * questions (on a Redis Cluster one MGET per slot, sent together: readMany). MT ids derive from MO
 * ids (random UUIDs): the keys carry no CNIC or MSISDN, and no hash tag, so a cluster spreads
 * them over every master.
 */
export class RedisSentLedger implements SentLedger {
  /**
   * The MTs sent in the same turn are marked by one script call, with the parts accepted in that
   * turn. One writer for both, so a part's progress never lands after its MT's final mark.
   */
  private readonly sets: BatchedSets;

  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.sets = new BatchedSets(redis);
  }

  async recall(ids: string[]): Promise<Map<string, LedgerEntry>> {
    const entries = new Map<string, LedgerEntry>();
    if (ids.length === 0) return entries;
    try {
      const values = await readMany(
        this.redis,
        ids.map((id) => PREFIX + id),
      );
      values.forEach((value, i) => {
        if (value !== null) entries.set(ids[i], ledgerEntryOf(value));
      });
    } catch (err) {
      this.onError(err as Error);
    }
    return entries;
  }

  async markSent(id: string): Promise<void> {
    try {
      await this.sets.set(PREFIX + id, '1', this.ttlSeconds * 1000);
    } catch (err) {
      this.onError(err as Error);
    }
  }

  /**
   * Not awaited by the sender, like the part's message-id write: the next part is not held back.
   * Resolves once written (or failed: it never rejects).
   * A lost write means a re-read resumes from an earlier part (that part goes twice, with the same
   * reference and number) or, with none recorded, starts over.
   */
  accepted(mtId: string, progress: MtProgress): Promise<void> {
    return this.sets
      .set(PREFIX + mtId, `p:${progress.reference}:${progress.accepted}:${progress.parts}`, this.ttlSeconds * 1000)
      .catch((err: Error) => this.onError(err));
  }
}
