/** A Kafka operation failed. `retriable` says whether trying again later can succeed. */
export class MessagingError extends Error {
  constructor(
    readonly code: 'PUBLISH_FAILED' | 'PUBLISH_TIMEOUT' | 'PRODUCER_CLOSED' | 'TOPIC_SETUP_FAILED' | 'TRANSACTION_FAILED',
    message: string,
    readonly retriable: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MessagingError';
  }
}
