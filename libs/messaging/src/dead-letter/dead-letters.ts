import { silentLogger, type Logger, type MetricsRegistry } from '@parchee/observability';
import type { ConsumedRecord } from '../consumer/consumed-batch';
import type { OutgoingRecord } from '../producer/batching-publisher';
import { MessagingError } from '../errors/messaging-error';
import { deadLetterRecord } from './dead-letter-record';

export interface DeadLettersOptions {
  /** Where `parchee_dead_letters_total{service, code}` is counted; none in unit tests. */
  metrics?: MetricsRegistry;
  logger?: Logger;
  /** Sends letters on their own (egress); a transactional stage returns them with its output instead (lookup). */
  publisher?: { publish(records: OutgoingRecord[]): Promise<void> };
  now?: () => number;
}

/**
 * A service's dead-letter office: every record a stage gives up on becomes a letter on
 * sms.dlq.v1 with the service's name, a stable code and the reason, is logged (where it came from,
 * never its content) and counted in `parchee_dead_letters_total{service, code}`, the same way in
 * every service. A letter is counted when it is made: a batch that fails after that is read again
 * and its letters made and counted again (at least once, like the letters themselves).
 */
export class DeadLetters {
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly counter;

  constructor(
    private readonly service: string,
    private readonly options: DeadLettersOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.counter = options.metrics?.counter('parchee_dead_letters_total', 'Records sent to the dead-letter topic', ['service', 'code']);
  }

  /** The letter for `source`, which this stage will not handle: `code` is stable (a metric label), `reason` says what happened. */
  letter(source: ConsumedRecord, code: string, reason: string): OutgoingRecord {
    this.logger.warn({ service: this.service, code, topic: source.topic, partition: source.partition, offset: source.offset }, 'dead-lettering a record');
    this.counter?.inc({ service: this.service, code });
    return deadLetterRecord(this.service, source, code, reason, this.now());
  }

  /** Publishes letters made here; resolves once Kafka holds them. Only for a service given a publisher. */
  async send(letters: OutgoingRecord[]): Promise<void> {
    if (letters.length === 0) return;
    if (!this.options.publisher)
      throw new MessagingError('PUBLISH_FAILED', `${this.service}: DeadLetters has no publisher; return the letters with the stage's output`, false);
    await this.options.publisher.publish(letters);
  }
}
