import type { Consumer, EachBatchPayload, Kafka, TopicPartitionOffsetAndMetadata } from 'kafkajs';
import { silentLogger, type Logger } from '@parchee/observability';
import { MessagingError } from '../errors/messaging-error';
import { toConsumedBatch, type ConsumedBatch } from './consumed-batch';

/** Commit errors that mean this member no longer owns its partitions: it must rejoin the group. */
const MEMBERSHIP_LOST = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP']);

/**
 * The broker's own error under kafkajs's wrappers, when it says the member lost its place in the
 * group. kafkajs's commit retrier wraps UNKNOWN_MEMBER_ID (not retriable) in a
 * KafkaJSNonRetriableError, which would crash the consumer for good (`restart: false`) and leave
 * the service up but reading nothing; the bare protocol error, thrown from the batch handler,
 * is what kafkajs's runner answers by rejoining the group.
 */
export function membershipLost(err: unknown): Error | undefined {
  return brokerError(err, MEMBERSHIP_LOST);
}

/** The broker's error of one of `types` under kafkajs's wrappers, if there is one. */
function brokerError(err: unknown, types: ReadonlySet<string>): Error | undefined {
  for (let e = err as { type?: string; cause?: unknown } | undefined, depth = 0; e && depth < 8; e = e.cause as typeof e, depth++) {
    if (typeof e.type === 'string' && types.has(e.type)) return e as unknown as Error;
    if (e.cause === e) break;
  }
  return undefined;
}

/** The broker's answer to a join with a session outside its group.min/max.session.timeout.ms. */
const SESSION_REFUSED = new Set(['INVALID_SESSION_TIMEOUT']);

/** Longest pause between attempts to join again after a crash, ms. */
const REJOIN_MAX_DELAY_MS = 5000;

/** Default bound on one offset commit, ms: see GroupConsumerOptions.commitTimeoutMs. */
const DEFAULT_COMMIT_TIMEOUT_MS = 10_000;

type BatchHandler = (batch: ConsumedBatch, payload: EachBatchPayload) => Promise<void>;

export interface GroupConsumerOptions {
  groupId: string;
  topics: string[];
  /** Partitions handled at once by this process. */
  partitionsConsumedConcurrently: number;
  /** Upper bound of one fetch per partition, bytes. Default 256 KiB (about a thousand SMS). */
  maxBytesPerPartition?: number;
  /**
   * How long the coordinator waits for a silent member before its partitions go to another (after
   * a crash, they stay unread this long). Default 30 000; the services pass KAFKA_SESSION_TIMEOUT_MS.
   */
  sessionTimeoutMs?: number;
  /** How often the member heartbeats, between batches and from inside a long one. Default a third of the session, at most 3000. */
  heartbeatIntervalMs?: number;
  /** How long a rebalance waits for the members to join again. Default kafkajs's 60 000. */
  rebalanceTimeoutMs?: number;
  /**
   * Bytes the broker waits for before it answers a fetch (over all the partitions of the fetch),
   * unless `maxWaitTimeInMs` passes first. Default 1: a fetch returns as soon as there is any
   * record. More makes a steady-rate consumer take bigger, fewer batches, each record waiting at
   * most `maxWaitTimeInMs` longer.
   */
  minBytes?: number;
  /**
   * Longest the broker holds a fetch waiting for `minBytes`, ms. With `minBytes` 1 it only bounds
   * the long poll of an idle consumer, and a stop waits for the fetch in progress. Default 1000.
   */
  maxWaitTimeInMs?: number;
  /**
   * Longest an offset commit may take, ms; past it the consumer is replaced by a new one that
   * joins the group again, and the commit fails (retriable: the batch is read again). kafkajs
   * 2.2.4 sends commits to the group coordinator it found when it joined, and when that broker
   * is gone (killed, its node not in the metadata any more) it retries there forever instead of
   * finding the new coordinator: the batch never ends and the consumer reads nothing more until
   * the broker comes back. A new consumer finds the new coordinator. Default 10 000.
   */
  commitTimeoutMs?: number;
  logger?: Logger;
}

/**
 * The consumer-group mechanics both batch consumers share: manual offsets, batches handed over
 * whole, and a stop that lets the batches in hand finish (and commit) before leaving the group,
 * taking no new one meanwhile. What is not committed is simply read again after a restart.
 */
export class GroupConsumer {
  private consumer: Consumer;
  private readonly logger: Logger;
  private readonly inFlight = new Set<Promise<unknown>>();
  private running = false;
  private stopping = false;
  private rejoining = false;
  private onBatch?: BatchHandler;
  /** The broker refused the session timeout at the last join: not ready until a join succeeds. */
  private sessionRefused = false;

  private readonly heartbeatIntervalMs: number;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: GroupConsumerOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? Math.min(3000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3));
    this.consumer = this.newConsumer();
  }

  private newConsumer(): Consumer {
    const { options } = this;
    return this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      // A third of the session at most, so two lost heartbeats do not yet cost the partitions.
      heartbeatInterval: this.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? 60_000,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 256 * 1024,
      minBytes: options.minBytes ?? 1,
      // A stop waits for the fetch in progress: a 1 s long poll (not kafkajs's 5 s) keeps a
      // graceful shutdown well inside its 10 s. Records still come back as soon as there are
      // `minBytes` of them.
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 1000,
      allowAutoTopicCreation: false,
      readUncommitted: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  /** Joined, or joining again after a crash; false while the broker refuses the session timeout. */
  get isRunning(): boolean {
    return this.running && !this.sessionRefused;
  }

  async run(onBatch: BatchHandler): Promise<void> {
    this.onBatch = onBatch;
    await this.join(onBatch);
    this.running = true;
  }

  /** Connects the current consumer, subscribes it and runs it, rejoining after a crash kafkajs does not restart from. */
  private async join(onBatch: BatchHandler): Promise<void> {
    const consumer = this.consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () => void (this.sessionRefused = false));
    consumer.on(consumer.events.CRASH, (e) => {
      if (brokerError(e.payload.error, SESSION_REFUSED)) {
        // Joining again only helps once the broker's setting changes: not ready meanwhile, and said plainly.
        this.sessionRefused = true;
        this.logger.error(
          { group: this.options.groupId, sessionTimeoutMs: this.options.sessionTimeoutMs ?? 30_000 },
          'the broker refuses this session timeout (INVALID_SESSION_TIMEOUT): its group.min.session.timeout.ms is higher. Lower it on every broker (Parchee ships 1000) or raise KAFKA_SESSION_TIMEOUT_MS',
        );
      } else this.logger.error({ group: this.options.groupId, err: e.payload.error?.message, restart: e.payload.restart }, 'consumer crashed');
      // kafkajs gives up on some errors (a group coordinator it could not find while the broker
      // restarted): the consumer then stays stopped and its partitions unread for good. Join again.
      if (!e.payload.restart && !this.stopping && consumer === this.consumer) void this.rejoin(onBatch);
    });
    await this.start(onBatch);
  }

  /**
   * After a crash kafkajs will not restart from: a new kafkajs consumer (one that was disconnected
   * cannot connect again) joins the group, retried every few seconds until it does.
   */
  private async rejoin(onBatch: BatchHandler): Promise<void> {
    if (this.rejoining) return;
    this.rejoining = true;
    try {
      await this.joinAgain(onBatch);
    } finally {
      this.rejoining = false;
    }
  }

  private async joinAgain(onBatch: BatchHandler): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(REJOIN_MAX_DELAY_MS, 500 * attempt)));
      if (this.stopping) return;
      try {
        await this.consumer.disconnect().catch(() => undefined);
        this.consumer = this.newConsumer();
        await this.join(onBatch);
        this.logger.warn({ group: this.options.groupId, attempt }, 'consumer joined its group again after a crash');
        return;
      } catch (err) {
        this.logger.warn({ group: this.options.groupId, attempt, err: (err as Error).message }, 'consumer could not join its group again yet');
      }
    }
  }

  private async start(onBatch: BatchHandler): Promise<void> {
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: async (payload) => {
        if (this.stopping) return;
        const batch = toConsumedBatch(payload);
        if (batch.records.length === 0) return;
        // kafkajs heartbeats only between batches. A batch handled for longer than the session
        // (egress retrying a throttling SMSC) would cost the member its partitions, and its
        // commit would be refused; so keep the session alive while the batch is in hand. A
        // heartbeat refused for a rebalance is not an error here: the commit will say so.
        const beat = setInterval(() => {
          payload.heartbeat().catch((err: Error) => this.logger.debug({ group: this.options.groupId, err: err.message }, 'heartbeat during a batch refused'));
        }, this.heartbeatIntervalMs);
        const work = onBatch(batch, payload);
        this.inFlight.add(work);
        try {
          await work;
        } finally {
          clearInterval(beat);
          this.inFlight.delete(work);
        }
      },
    });
  }

  /**
   * Commits, or fails with the error that makes kafkajs rejoin the group when the member lost
   * its partitions meanwhile: the batch stays uncommitted and whoever owns the partition now
   * reads it again (at least once, as for any failed batch).
   */
  async commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void> {
    const consumer = this.consumer;
    const timeoutMs = this.options.commitTimeoutMs ?? DEFAULT_COMMIT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MessagingError('COMMIT_TIMEOUT', `offset commit not answered within ${timeoutMs} ms`, true)), timeoutMs);
    });
    try {
      await Promise.race([consumer.commitOffsets(offsets), timedOut]);
    } catch (err) {
      if (err instanceof MessagingError && err.code === 'COMMIT_TIMEOUT') {
        this.logger.warn(
          { group: this.options.groupId, timeoutMs },
          'offset commit not answered: the group coordinator may be gone; a new consumer joins the group, the batch will be read again',
        );
        // Replaced once the batch in hand has given up (the old consumer's disconnect waits for it).
        if (consumer === this.consumer && this.onBatch && !this.stopping) void this.rejoin(this.onBatch);
        throw err;
      }
      const lost = membershipLost(err);
      if (!lost) throw err;
      this.logger.warn(
        { group: this.options.groupId, err: lost.message },
        'commit refused: the member lost its partitions; rejoining, the batch will be read again',
      );
      throw lost;
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.inFlight]);
    this.running = false;
    await this.consumer.disconnect();
  }
}
