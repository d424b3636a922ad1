import { CompressionTypes, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';
import { MessagingError } from '../errors/messaging-error';

export interface OutgoingRecord {
  topic: string;
  key: string | null;
  value: Buffer;
  headers?: Record<string, string>;
}

export interface BatchingPublisherOptions {
  /** How long to gather records before one produce request, ms. Default 5. */
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
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * An idempotent, acks=all producer that gathers records from many callers for a few
 * milliseconds and sends them in one request. Each caller's promise settles when the broker
 * has acknowledged the batch holding its records: the moment ingress may answer deliver_sm.
 */
/**
 * Errors after which an idempotent producer's sequence state no longer matches the broker's (a
 * broker restarted and lost or fenced it): kafkajs keeps failing every later send with the same
 * error, so the producer must be replaced by a new one with a new producer id.
 */
const FATAL_PRODUCER_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'INVALID_PRODUCER_ID_MAPPING']);

function isFatalProducerError(err: unknown): boolean {
  for (let e = err as { type?: string; cause?: unknown; originalError?: unknown; message?: string } | undefined, depth = 0; e && depth < 5; depth++) {
    if (e.type && FATAL_PRODUCER_ERRORS.has(e.type)) return true;
    if (/out of order sequence number|unknown producer id|producer.*epoch/i.test(e.message ?? '')) return true;
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return false;
}

export class BatchingPublisher {
  private producer: Producer;
  private renewing: Promise<void> | null = null;
  private readonly lingerMs: number;
  private readonly maxBatchRecords: number;
  private readonly publishTimeoutMs: number;
  private readonly logger: Logger;
  private queue: Pending[] = [];
  private queuedRecords = 0;
  private timer: NodeJS.Timeout | null = null;
  private connected = false;
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly kafka: Kafka,
    options: BatchingPublisherOptions = {},
  ) {
    this.lingerMs = options.lingerMs ?? 5;
    this.maxBatchRecords = options.maxBatchRecords ?? 500;
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5000;
    this.logger = options.logger ?? silentLogger;
    this.producer = this.newProducer();
  }

  // Bounded retries: an unbounded idempotent producer would hold an SMSC's deliver_sm forever
  // while the broker is down; we would rather answer "try again" and let the SMSC queue it.
  private newProducer(): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 5,
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
      allowAutoTopicCreation: false,
    });
  }

  /**
   * Replaces a producer whose idempotence state the broker no longer accepts. The records of the
   * failed batch were refused (the SMSC retries them); later ones go through the new producer.
   */
  private renew(): Promise<void> {
    if (this.renewing || this.closing) return this.renewing ?? Promise.resolve();
    const old = this.producer;
    const fresh = this.newProducer();
    this.renewing = fresh
      .connect()
      .then(() => {
        this.producer = fresh;
        this.logger.warn({}, 'kafka producer renewed after the broker stopped accepting its sequence numbers');
        void old.disconnect().catch(() => undefined);
      })
      .catch((err: unknown) => {
        this.logger.warn({ err: (err as Error).message }, 'kafka producer not renewed yet; the next failure tries again');
        void fresh.disconnect().catch(() => undefined);
      })
      .finally(() => {
        this.renewing = null;
      });
    return this.renewing;
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

  /** Sends what is queued, waits for everything in flight, then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    this.flush();
    await Promise.allSettled([...this.inFlight]);
    this.connected = false;
    await this.producer.disconnect();
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.queuedRecords = 0;
    const send = this.send(batch).finally(() => this.inFlight.delete(send));
    this.inFlight.add(send);
  }

  private async send(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, TopicMessages>();
    for (const pending of batch) {
      for (const r of pending.records) {
        let entry = byTopic.get(r.topic);
        if (!entry) byTopic.set(r.topic, (entry = { topic: r.topic, messages: [] }));
        entry.messages.push({ key: r.key, value: r.value, headers: r.headers });
      }
    }
    try {
      await this.producer.sendBatch({ topicMessages: [...byTopic.values()], acks: -1, compression: CompressionTypes.None });
      for (const p of batch) p.resolve();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, records: batch.length }, 'kafka publish failed');
      if (isFatalProducerError(err)) void this.renew();
      const error = new MessagingError('PUBLISH_FAILED', `publish failed: ${(err as Error).message}`, true, err);
      for (const p of batch) p.reject(error);
    }
  }
}
