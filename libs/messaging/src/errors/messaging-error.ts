import { CodedError } from '@parchee/errors';

export type MessagingErrorCode = 'PUBLISH_FAILED' | 'PUBLISH_TIMEOUT' | 'PRODUCER_CLOSED' | 'TOPIC_SETUP_FAILED' | 'TRANSACTION_FAILED' | 'COMMIT_TIMEOUT';

/** A Kafka operation failed. `retriable` says whether trying again later can succeed; `cause` is kafkajs's error. */
export class MessagingError extends CodedError<MessagingErrorCode> {
  constructor(code: MessagingErrorCode, message: string, retriable: boolean, cause?: unknown) {
    super(code, message, { retriable, cause });
  }
}
