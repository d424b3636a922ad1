import { Partitioners, type Admin, type PartitionMetadata } from 'kafkajs';
import type { OutgoingRecord } from './batching-publisher';

/** A record with the partition kafkajs's default partitioner gives it; none when the leaders could not be asked. */
export type Routed<T extends OutgoingRecord> = T & { partition?: number };

/** How long a topic's leaders are trusted before they are asked again, ms. */
const DEFAULT_MAX_AGE_MS = 30_000;
/** How long the first send to a topic waits for its leaders, ms. */
const DEFAULT_FIRST_WAIT_MS = 2000;

/**
 * Splits what a producer is about to send into one group per broker, so that each `sendBatch`
 * goes to one broker only: lookup's transaction output and ingress's publishes.
 *
 * Why: kafkajs 2.2.4 sends a `sendBatch` spanning several brokers as one produce request per
 * broker, all at once. When one of them fails with a retriable error, it retries at once and sends
 * again every request that has not answered yet, including those still in flight; when the one in
 * flight then succeeds, the second copy goes out with the next sequence numbers, so the broker
 * cannot tell it is a copy, and both are stored (in a transaction, both commit). On a three-broker
 * cluster the most common trigger is the transaction coordinator answering one of the parallel
 * AddPartitionsToTxn requests CONCURRENT_TRANSACTIONS (350 of 2,000 replies written twice, with no
 * broker failing); a broker killed does it to publishes (docs/delivery-guarantees.md, "A
 * transaction's output on a cluster"). One broker per request leaves kafkajs nothing to send
 * twice. On one broker this is one group, as before.
 *
 * The partition of each record is kafkajs's own choice (its default partitioner: murmur2 of the
 * key, as the Java client), set explicitly so that the grouping and the request agree. Leaders come
 * from the topic's metadata, asked again in the background after `maxAgeMs` or after `forget()`
 * (a failed send: leadership may have moved). While leadership moves, a group can still reach two
 * brokers: the transactional processor checks for a request sent twice and aborts (sendOnce).
 */
export class LeaderRoutes {
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly topics = new Map<string, { partitions: PartitionMetadata[]; fetchedAt: number }>();
  private connected?: Promise<void>;
  private refreshing?: Promise<void>;

  constructor(
    private readonly admin: Admin,
    private readonly maxAgeMs = DEFAULT_MAX_AGE_MS,
    private readonly now: () => number = Date.now,
    /** How long a topic's first route waits for its leaders before sending without them, ms. */
    private readonly firstWaitMs = DEFAULT_FIRST_WAIT_MS,
  ) {}

  /**
   * The records in groups, one per leading broker, each in the records' order (so per partition
   * too). Leaders that are old or forgotten are still used while new ones are asked for in the
   * background: a send never waits for metadata while a broker is away. A topic never asked about
   * waits up to `firstWaitMs`; without its leaders by then (no broker answers), one group without
   * partitions, as kafkajs would have sent it.
   */
  async route<T extends OutgoingRecord>(records: readonly T[]): Promise<Array<Array<Routed<T>>>> {
    const names = [...new Set(records.map((r) => r.topic))];
    const stale = names.filter((t) => this.isStale(t));
    if (stale.length > 0) {
      const refresh = this.refreshInBackground(stale);
      if (names.some((t) => !this.topics.has(t))) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([refresh, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.firstWaitMs)))]);
        clearTimeout(timer);
      }
    }
    const groups = new Map<number, Array<Routed<T>>>();
    for (const r of records) {
      const partitionMetadata = this.topics.get(r.topic)?.partitions;
      if (!partitionMetadata) return [[...records]];
      const partition = this.partitioner({ topic: r.topic, partitionMetadata, message: { key: r.key, value: r.value } });
      const leader = partitionMetadata.find((p) => p.partitionId === partition)?.leader ?? -1;
      let group = groups.get(leader);
      if (!group) groups.set(leader, (group = []));
      group.push({ ...r, partition });
    }
    return [...groups.values()];
  }

  /** Asks for every topic's leaders again at the next route (the ones known are used meanwhile). */
  forget(): void {
    for (const known of this.topics.values()) known.fetchedAt = -Infinity;
  }

  async close(): Promise<void> {
    await this.refreshing;
    if (this.connected) await this.admin.disconnect().catch(() => undefined);
    this.connected = undefined;
  }

  private isStale(topic: string): boolean {
    const known = this.topics.get(topic);
    return !known || this.now() - known.fetchedAt > this.maxAgeMs;
  }

  /** One question at a time; never rejects (the leaders known stay until an answer comes). */
  private refreshInBackground(names: string[]): Promise<void> {
    this.refreshing ??= this.refresh(names)
      .catch(() => undefined)
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refresh(names: string[]): Promise<void> {
    this.connected ??= this.admin.connect().catch((err: unknown) => {
      this.connected = undefined;
      throw err;
    });
    await this.connected;
    const { topics } = await this.admin.fetchTopicMetadata({ topics: names });
    const fetchedAt = this.now();
    for (const t of topics) {
      const partitions = [...t.partitions].sort((a, b) => a.partitionId - b.partitionId);
      if (partitions.length > 0) this.topics.set(t.name, { partitions, fetchedAt });
    }
  }
}
