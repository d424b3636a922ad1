import type { MtMessageV1 } from '@parchee/contracts';
import { BatchedSets, RedisKeys, type RedisClient } from '@parchee/redis';
import { normaliseMessageId } from '@parchee/smpp';
import type { SubmittedPartSink } from '../delivery/mt-sender';

/** What egress remembers of one submitted part, to recognise its delivery receipt. No MSISDN. */
export interface SubmittedPart {
  mtId: string;
  operator: string;
  /** 1-based part number within the MT. */
  part: number;
  parts: number;
  /** Epoch ms of the submit_sm_resp. */
  submittedAt: number;
}

/** The map from SMSC message id to MT part that delivery receipts are correlated through. */
export interface MessageIdLookup {
  /** The part a receipt with these candidate ids (exact form first) reports on, or null. Throws when the store cannot answer. */
  lookup(operator: string, candidates: readonly string[]): Promise<SubmittedPart | null>;
}

const PREFIX = RedisKeys.DLR;

export function messageIdKey(operator: string, normalisedId: string): string {
  return `${PREFIX}${operator}:${normalisedId}`;
}

/**
 * One key per submitted part, under the canonical form of the id the submit_sm_resp returned
 * (lower case, no leading zeros). A receipt carries every reading of its own id (hex and
 * decimal), and the lookup tries them in order, so one write per part is enough to match
 * whichever form the SMSC uses in its receipts. Keys are per operator, not per bind: a receipt
 * may arrive on any bind of the operator.
 *
 * A key lives as long as the part's validity_period plus `marginSeconds`: past its validity the
 * SMSC sends nothing but the final EXPIRED receipt, and the margin covers that receipt's way here
 * (an SMSC late to expire, a receiver bind down, a receipt backlog in Kafka). The map is egress's
 * largest use of Redis, so its size follows the replies' lifetime, not a fixed number of days
 * (docs/delivery-guarantees.md, "Delivery receipts").
 */
export class RedisMessageIdMap implements MessageIdLookup, SubmittedPartSink {
  private readonly inFlight = new Set<Promise<void>>();
  /** The parts whose submit_sm_resp came in the same turn are written by one script call. */
  private readonly sets: BatchedSets;

  constructor(
    private readonly redis: RedisClient,
    private readonly marginSeconds: number,
    private readonly onError: (err: Error) => void = () => undefined,
  ) {
    this.sets = new BatchedSets(redis);
  }

  /**
   * Stores the mapping; never rejects. Called right after a submit_sm_resp without being awaited,
   * so the next part is not held back by a Redis round trip. A lost write costs one unmatched
   * receipt, never an SMS.
   */
  remember(messageId: string, part: SubmittedPart, validityMs: number): Promise<void> {
    const canonical = normaliseMessageId(messageId)[0];
    if (canonical === undefined) return Promise.resolve();
    const ttlMs = validityMs + this.marginSeconds * 1000;
    const write = this.sets.set(messageIdKey(part.operator, canonical), JSON.stringify(part), ttlMs).then(
      () => undefined,
      (err: Error) => {
        this.onError(err);
      },
    );
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
    return write;
  }

  /** MtSender's report of a part the SMSC accepted: remembered, not awaited (see remember). */
  submitted(mt: MtMessageV1, messageId: string, part: number, parts: number, validityMs: number): void {
    void this.remember(messageId, { mtId: mt.id, operator: mt.operator, part, parts, submittedAt: Date.now() }, validityMs);
  }

  /** Resolves when every write issued so far has settled: before shutdown, and in tests. */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /**
   * The exact form first, alone: the id as the receipt carries it (lower case, no leading zeros),
   * which is how nearly every SMSC writes the id of its submit_sm_resp, so most receipts cost one
   * GET of one key. Only when it is not mapped are the other readings (the id in the other base,
   * the text's id) read, all in the next round trip; the first found in their order wins. The
   * exact form also wins over a different message whose id happens to be its reading in the
   * other base. Each key has a GET of its own: one id's readings fall in different Redis Cluster
   * slots, so neither an MGET nor a script could read them together once Redis is a cluster.
   */
  async lookup(operator: string, candidates: readonly string[]): Promise<SubmittedPart | null> {
    const [exact, ...readings] = candidates;
    if (exact === undefined) return null;
    const stored = await this.redis.get(messageIdKey(operator, exact));
    if (stored !== null) return JSON.parse(stored) as SubmittedPart;
    if (readings.length === 0) return null;
    const values = await Promise.all(readings.map((id) => this.redis.get(messageIdKey(operator, id))));
    const hit = values.find((v): v is string => v !== null);
    return hit === undefined ? null : (JSON.parse(hit) as SubmittedPart);
  }
}
