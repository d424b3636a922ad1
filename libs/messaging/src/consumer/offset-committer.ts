import type { TopicPartitionOffsetAndMetadata } from 'kafkajs';

/**
 * Group commit of consumer offsets: one OffsetCommit request at a time, carrying every offset
 * handed in while the previous one was in flight. Batches of many partitions finish at nearly the
 * same moment; committing each on its own cost one broker round trip and one write to
 * __consumer_offsets per batch, and made each partition wait for its own. Each caller's promise
 * still settles only with the commit that carried its offset (at least once is unchanged): if that
 * commit fails, every caller in it gets the error and its batch is read again.
 */
export class OffsetCommitter {
  private waiting: Array<{ offset: TopicPartitionOffsetAndMetadata; resolve: () => void; reject: (err: unknown) => void }> = [];
  private inFlight = false;

  constructor(private readonly commit: (offsets: TopicPartitionOffsetAndMetadata[]) => Promise<void>) {}

  /** Resolves once a commit carrying `offset` (or a later offset of its partition) succeeded. */
  add(offset: TopicPartitionOffsetAndMetadata): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ offset, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.inFlight || this.waiting.length === 0) return;
    const group = this.waiting;
    this.waiting = [];
    this.inFlight = true;
    void this.commit(latestPerPartition(group.map((g) => g.offset)))
      .then(
        () => group.forEach((g) => g.resolve()),
        (err: unknown) => group.forEach((g) => g.reject(err)),
      )
      .finally(() => {
        this.inFlight = false;
        this.next();
      });
  }
}

/** The highest offset of each partition among `offsets`, in the order partitions first appear. */
export function latestPerPartition(offsets: readonly TopicPartitionOffsetAndMetadata[]): TopicPartitionOffsetAndMetadata[] {
  const byPartition = new Map<string, TopicPartitionOffsetAndMetadata>();
  for (const o of offsets) {
    const key = `${o.topic}\u0000${o.partition}`;
    const seen = byPartition.get(key);
    if (!seen || BigInt(o.offset) > BigInt(seen.offset)) byPartition.set(key, o);
  }
  return [...byPartition.values()];
}
