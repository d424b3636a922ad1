import { BatchedSets, RedisKeys, type RedisClient } from '@parchee/redis';

/** What the store knew of an MO's fingerprint when ingress claimed it. */
export type SeenMo =
  /** Not seen within the window: this delivery is the first, under the id it offered. */
  | { kind: 'first' }
  /** Seen, and Kafka acknowledged it under `moId`: the delivery is a duplicate. */
  | { kind: 'stored'; moId: string }
  /** Seen under `moId`, but no acknowledgement was recorded (failed, in flight, or its process died). */
  | { kind: 'pending'; moId: string };

/**
 * Short-lived memory of the MOs ingress took, by keyed fingerprint (docs/delivery-guarantees.md,
 * "SMSC re-deliveries"). Both calls may throw (Redis down or slow); the caller fails open.
 */
export interface SeenMoStore {
  /** Records `moId` as pending for `fingerprint` unless the fingerprint is already held; says which. */
  claim(fingerprint: string, moId: string): Promise<SeenMo>;
  /** Records that Kafka acknowledged `moId` for `fingerprint`. */
  markStored(fingerprint: string, moId: string): Promise<void>;
}

export interface RedisSeenMoStoreOptions {
  /** How long a fingerprint is remembered, ms. */
  windowMs: number;
  /** Key prefix; the e2e suite gives each run its own. Default `RedisKeys.MO_SEEN`, `parchee:mo-seen:`. */
  keyPrefix?: string;
}

/** The part of the Redis client this needs. */
export type SeenMoRedis = Pick<RedisClient, 'evalsha' | 'eval'>;

/**
 * One key per fingerprint, `<prefix><base64url HMAC>`, holding `p:<moId>` (pending) or
 * `s:<moId>` (stored). The key and the value hold no number and no text: the fingerprint is a
 * keyed hash, the MO id a random UUID.
 */
export class RedisSeenMoStore implements SeenMoStore {
  private readonly prefix: string;
  /**
   * The MOs that arrive in the same turn are claimed by one script call, and those Kafka
   * acknowledged in the same turn (one publish's worth) marked by one.
   */
  private readonly batched: BatchedSets;

  constructor(
    redis: SeenMoRedis,
    private readonly options: RedisSeenMoStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? RedisKeys.MO_SEEN;
    this.batched = new BatchedSets(redis);
  }

  async claim(fingerprint: string, moId: string): Promise<SeenMo> {
    // SET NX GET (Redis 7), inside one script with the turn's other claims: claims and reads
    // atomically, so two replicas given the same MO at once cannot both believe they were first.
    const previous = await this.batched.claim(this.prefix + fingerprint, `p:${moId}`, this.options.windowMs);
    if (previous === null) return { kind: 'first' };
    const id = previous.slice(2);
    return previous.startsWith('s:') ? { kind: 'stored', moId: id } : { kind: 'pending', moId: id };
  }

  async markStored(fingerprint: string, moId: string): Promise<void> {
    await this.batched.set(this.prefix + fingerprint, `s:${moId}`, this.options.windowMs);
  }
}
