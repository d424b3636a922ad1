import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import type { ConsumedBatch } from '../consumer/consumed-batch';
import { MessagingError } from '../errors/messaging-error';

/** A consumer that hands its batches to a handler and commits after it: BatchConsumer, TransactionalProcessor. */
export interface BatchSource<R> {
  start(handler: (batch: ConsumedBatch) => Promise<R>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One Kafka intake of a service: a consumer whose batches go to the `@EventPattern(pattern)`
 * handler (by convention the pattern is the topic).
 */
export interface KafkaIntake {
  readonly pattern: string;
  start(handler: (batch: ConsumedBatch) => Promise<unknown>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Binds a consumer to a pattern. What the handler must return (nothing for a BatchConsumer, a
 * ProcessedBatch for a TransactionalProcessor) is the consumer's contract; the controller that
 * declares the handler keeps it, which the transport cannot check.
 */
export function kafkaIntake<R>(pattern: string, source: BatchSource<R>): KafkaIntake {
  return {
    pattern,
    start: (handler) => source.start(handler as (batch: ConsumedBatch) => Promise<R>),
    stop: () => source.stop(),
  };
}

/** What a handler of a Kafka batch sees besides the batch: its topic and partition. */
export class KafkaBatchContext extends BaseRpcContext<[topic: string, partition: number]> {
  get topic(): string {
    return this.args[0];
  }

  get partition(): number {
    return this.args[1];
  }
}

/**
 * Nest's own Kafka transport hands over one message at a time and knows neither batches, nor
 * transactions, nor group commit; this one puts Parchee's consumers underneath Nest's
 * microservice model instead. Each intake's batches go to the `@EventPattern(pattern)` handler
 * declared in a controller; what the handler returns (a promise, an observable or a value) is
 * what the consumer gets, so its semantics are the consumer's own: a BatchConsumer commits once the
 * handler resolves, a TransactionalProcessor sends the returned ProcessedBatch's records in the
 * transaction that commits the batch, and a handler that fails leaves its batch to be read again.
 *
 * Nest starts it with `app.startAllMicroservices()` and closes it while the application shuts
 * down, before `onApplicationShutdown`: the batches in hand finish and commit, the groups are
 * left, and only then do the runtimes close what the handlers used.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  constructor(private readonly intakes: readonly KafkaIntake[]) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const handlers = this.intakes.map((intake) => {
        const handler = this.getHandlerByPattern(intake.pattern);
        if (!handler) throw new MessagingError('TOPIC_SETUP_FAILED', `no @EventPattern('${intake.pattern}') handler is declared for this Kafka intake`, false);
        return handler;
      });
      for (const [i, intake] of this.intakes.entries()) await intake.start((batch) => this.dispatch(handlers[i], batch));
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.intakes.map((intake) => intake.stop()));
  }

  on(): never {
    throw new MessagingError('TOPIC_SETUP_FAILED', 'KafkaBatchTransport has no events to listen to', false);
  }

  unwrap<T>(): T {
    return this.intakes as T;
  }

  private async dispatch(handler: MessageHandler, batch: ConsumedBatch): Promise<unknown> {
    const result: unknown = await handler(batch, new KafkaBatchContext([batch.topic, batch.partition]));
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}

/**
 * Hands a handler's error to the consumer as it was thrown. Nest's default RPC filter would log it
 * and replace it with an opaque "Internal server error", losing its code and `retriable` flag;
 * the consumer, which decides about retries and logs with context, needs the original.
 */
@Catch()
export class RethrowToConsumer implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
