import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from '@parchee/observability';

export interface PartitionLag {
  group: string;
  topic: string;
  partition: number;
  lag: number;
}

export interface ConsumerLagMonitorOptions {
  /** The consumer groups to watch, each with the topics it reads. */
  groups: ReadonlyArray<{ groupId: string; topics: readonly string[] }>;
  /** How often to refresh, ms. Default 5000. */
  intervalMs?: number;
  /** Called with every partition's lag after each successful refresh of a group. */
  onLag: (lag: PartitionLag) => void;
  /** Called when a refresh of a group fails; the last values stay as they were. */
  onError?: (groupId: string, err: Error) => void;
  logger?: Logger;
}

/**
 * Lag of a group on one partition: what the broker holds beyond the group's committed offset.
 * A group with no commit yet (offset -1) owes everything still retained, high minus low.
 */
export function partitionLag(committed: string | number, low: string | number, high: string | number): number {
  const h = Number(high);
  const c = Number(committed);
  const start = c < 0 ? Number(low) : c;
  return Math.max(0, h - start);
}

/**
 * Samples consumer lag per topic and partition from the Kafka admin API on a timer, so the
 * processes that consume report their own backlog. Its own admin connection; stop() closes it.
 */
export class ConsumerLagMonitor {
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: ConsumerLagMonitorOptions,
  ) {}

  async start(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.refresh();
    this.timer = setInterval(() => {
      if (!this.refreshing) this.refreshing = this.refresh().finally(() => (this.refreshing = undefined));
    }, this.options.intervalMs ?? 5000);
    this.timer.unref();
  }

  /** One pass over every group; failures are reported per group and never thrown. */
  async refresh(): Promise<void> {
    const admin = this.admin;
    if (!admin || this.stopped) return;
    for (const { groupId, topics } of this.options.groups) {
      try {
        const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
        for (const topic of topics) {
          const watermarks = await admin.fetchTopicOffsets(topic);
          const byPartition = new Map(committed.find((t) => t.topic === topic)?.partitions.map((p) => [p.partition, p.offset]) ?? []);
          for (const w of watermarks) {
            this.options.onLag({ group: groupId, topic, partition: w.partition, lag: partitionLag(byPartition.get(w.partition) ?? -1, w.low, w.high) });
          }
        }
      } catch (err) {
        this.options.logger?.warn({ group: groupId, err: (err as Error).message }, 'consumer lag refresh failed');
        this.options.onError?.(groupId, err as Error);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}
