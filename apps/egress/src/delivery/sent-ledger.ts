import { BatchedSets, RedisKeys, type RedisClient } from '@parchee/redis';

/** Which MT ids were already submitted: what makes a replayed MT a no-op instead of a second SMS. */
export interface SentLedger {
  /** Ids of `ids` already sent. A ledger that cannot answer returns an empty set (send rather than stay silent). */
  sentAmong(ids: string[]): Promise<Set<string>>;
  markSent(id: string): Promise<void>;
}

const PREFIX = RedisKeys.MT_SENT;

/** MT ids derive from MO ids (random UUIDs): the keys carry no CNIC or MSISDN. */
export class RedisSentLedger implements SentLedger {
  /** The MTs sent in the same turn are marked by one script call. */
  private readonly sets: BatchedSets;

  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.sets = new BatchedSets(redis);
  }

  async sentAmong(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    try {
      const values = await this.redis.mget(ids.map((id) => PREFIX + id));
      return new Set(ids.filter((_, i) => values[i] !== null));
    } catch (err) {
      this.onError(err as Error);
      return new Set();
    }
  }

  async markSent(id: string): Promise<void> {
    try {
      await this.sets.set(PREFIX + id, '1', this.ttlSeconds * 1000);
    } catch (err) {
      this.onError(err as Error);
    }
  }
}
