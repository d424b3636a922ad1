import { CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';
import { MessagingError } from '../errors/messaging-error';
import { LeaderRoutes } from './leader-routes';

export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  headers?: Record<string, string>;
}

export interface BatchingPublisherOptions {
  /**
   * How long to gather records before a produce request when none is in flight, ms. Default 1:
   * under load the records that arrive while a send is in flight already make the next batch, so
   * a longer linger only delays each deliver_sm_resp, and with an SMSC window of 1 it caps the bind
   * (5 ms held one bind to 164 MO/s, 1 ms lets it reach 485; docs/benchmarks.md).
   */
  lingerMs?: number;
  /** Flush early once this many records are waiting. Default 500. */
  maxBatchRecords?: number;
  /**
   * A publish that the broker has not acknowledged by then fails with PUBLISH_TIMEOUT
   * (retriable), so callers such as ingress can answer the SMSC with a temporary error
   * instead of hanging. Default 5000.
   */
  publishTimeoutMs?: number;
  logger?: Logger;
}

interface Pending {
  records: OutgoingRecord[];
  /** The caller already got PUBLISH_TIMEOUT: its records are not sent any more. */
  timedOut: () => boolean;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * An idempotent, acks=all producer that gathers records from many callers for a few
 * milliseconds and sends them in one request per broker. Each caller's promise settles when the
 * brokers have acknowledged the records it published: the moment ingress may answer deliver_sm.
 *
 * Three rules keep an acknowledged publish from being a record the broker never wrote, or wrote
 * twice (docs/delivery-guarantees.md, "Ingress's idempotent producer after a broker restart" and
 * "A transaction's output on a cluster"):
 *
 * - One send at a time. When a produce request fails, kafkajs 2.2.4 moves the sequence
 *   numbers of EVERY partition of the request back, also of partitions the broker did write (a
 *   restarting broker answers NOT_LEADER for some partitions and writes the others). Another
 *   `sendBatch` taking the broker lock before the failed one retries then reuses those sequence
 *   numbers; the broker judges its batch a duplicate of the one written, answers success, and
 *   drops its records (or answers OUT_OF_ORDER_SEQUENCE_NUMBER when the sizes differ). With one
 *   send at a time, only the failed batch's own retry (the same records) reuses them.
 * - Within a send, one `sendBatch` per leading broker (LeaderRoutes), side by side: their
 *   partitions are disjoint, so a failure moves back only its own request's sequence numbers,
 *   and kafkajs never sends a request again because another broker's failed (which wrote records
 *   twice on a three-broker cluster when a broker was killed).
 * - A new producer (new producer id, sequences from 0) after any failed send. kafkajs's sequence
 *   numbers may still be behind the broker's once it gives up on a batch; the next batch would
 *   again be taken for a duplicate.
 *
 * Records gathered while a send is in flight go out together when it finishes.
 */
export class BatchingPublisher {
  private producer: Producer;
  /** The producer's sequence numbers may be behind the broker's: replace it before the next send. */
  private stale = false;
  private readonly lingerMs: number;
  private readonly maxBatchRecords: number;
  private readonly publishTimeoutMs: number;
  private readonly logger: Logger;
  private queue: Pending[] = [];
  private queuedRecords = 0;
  private timer: NodeJS.Timeout | null = null;
  private connected = false;
  private closing = false;
  private sending: Promise<void> | null = null;
  private readonly routes: LeaderRoutes;

  constructor(
    private readonly kafka: Kafka,
    options: BatchingPublisherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 1;
    this.maxBatchRecords = options.maxBatchRecords ?? 500;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.logger = options.logger ?? silentLogger;
    this.producer = this.newProducer();
    this.routes = new LeaderRoutes(kafka.admin());
  }

  // Bounded retries: an unbounded idempotent producer would hold an SMSC's deliver_sm forever
  // while the broker is down; we would rather answer "try again" and let the SMSC queue it.
  // maxInFlightRequests 1: kafkajs serialises idempotent requests per broker anyway (its broker
  // lock), and this publisher sends one batch at a time (see the class comment).
  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
      allowAutoTopicCreation: false,
    });
  }

  /** Connects a new producer in place of one whose sequence numbers can no longer be trusted; throws if it cannot. */
  private async renew(): Promise<void> {
    const fresh = this.newProducer();
    try {
      await fresh.connect();
    } catch (err) {
      void fresh.disconnect().catch(() => undefined);
      throw err;
    }
    const old = this.producer;
    this.producer = fresh;
    this.stale = false;
    this.logger.warn({}, 'kafka producer renewed after a failed send');
    void old.disconnect().catch(() => undefined);
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  get isConnected(): boolean {
    return this.connected && !this.closing;
  }

  /** Resolves once every record is acknowledged by all in-sync replicas. */
  publish(records: OutgoingRecord[]): Promise<void> {
    if (this.closing) return Promise.reject(new MessagingError('PRODUCER_CLOSED', 'publisher is closing', true));
    if (records.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timeout = setTimeout(() => {
        settled = true;
        reject(new MessagingError('PUBLISH_TIMEOUT', `not acknowledged within ${this.publishTimeoutMs} ms`, true));
      }, this.publishTimeoutMs);
      this.queue.push({
        records,
        timedOut: () => settled,
        resolve: () => {
          clearTimeout(timeout);
          if (!settled) resolve();
        },
        reject: (err) => {
          clearTimeout(timeout);
          if (!settled) reject(err);
        },
      });
      this.queuedRecords += records.length;
      if (this.queuedRecords >= this.maxBatchRecords) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.lingerMs);
    });
  }

  /** Sends what is queued, waits until it is acknowledged or failed, then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    this.flush();
    while (this.sending) await this.sending;
    this.connected = false;
    await this.producer.disconnect();
    await this.routes.close();
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // One send at a time; what is queued meanwhile is sent as soon as it finishes.
    if (this.sending || this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.queuedRecords = 0;
    this.sending = this.send(batch).finally(() => {
      this.sending = null;
      if (this.queue.length > 0) this.flush();
    });
  }

  private async send(queued: Pending[]): Promise<void> {
    // A caller that already got PUBLISH_TIMEOUT answered its SMSC "try again": storing its
    // record now would only make a second copy once the SMSC re-delivers it.
    const batch = queued.filter((p) => !p.timedOut());
    if (batch.length === 0) return;
    try {
      if (this.stale) await this.renew();
    } catch (err) {
      this.fail(batch, err);
      return;
    }
    // One sendBatch per leading broker, side by side: their partitions are disjoint, and no
    // request of one can be sent twice by a failure of another (LeaderRoutes).
    const records = batch.flatMap((pending, i) => pending.records.map((r) => ({ ...r, pending: i })));
    const groups = await this.routes.route(records);
    const sent = await Promise.allSettled(
      groups.map((group) => this.producer.sendBatch({ topicMessages: topicMessagesOf(group), acks: -1, compression: CompressionTypes.None })),
    );
    const failed = new Set<number>();
    let firstError: unknown;
    sent.forEach((result, g) => {
      if (result.status === 'fulfilled') return;
      firstError ??= result.reason;
      for (const r of groups[g]) failed.add(r.pending);
    });
    if (firstError === undefined) {
      for (const p of batch) p.resolve();
      return;
    }
    this.routes.forget();
    // A caller whose records all went out is answered; the rest are refused, though some of their
    // records may have been written (as when a single request fails after the broker wrote it).
    for (const [i, p] of batch.entries()) if (!failed.has(i)) p.resolve();
    this.fail(
      batch.filter((_, i) => failed.has(i)),
      firstError,
    );
  }

  private fail(pendings: Pending[], err: unknown): void {
    this.logger.warn({ err: (err as Error).message, records: pendings.length }, 'kafka publish failed');
    // Whatever failed, kafkajs may now hold sequence numbers the broker already used.
    this.stale = true;
    const error = new MessagingError('PUBLISH_FAILED', `publish failed: ${(err as Error).message}`, true, err);
    for (const p of pendings) p.reject(error);
  }
}

/** A leader group's records as kafkajs takes them, by topic, each with its partition when it has one. */
function topicMessagesOf(records: ReadonlyArray<OutgoingRecord & { partition?: number }>): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const r of records) {
    let entry = byTopic.get(r.topic);
    if (!entry) byTopic.set(r.topic, (entry = { topic: r.topic, messages: [] }));
    entry.messages.push({ key: r.key, value: r.value, headers: r.headers, partition: r.partition });
  }
  return [...byTopic.values()];
}
