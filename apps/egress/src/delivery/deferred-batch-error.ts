import { CodedError } from '@parchee/errors';

/** Thrown to leave a batch uncommitted: Kafka re-delivers it, and the ledger skips what was sent. */
export class DeferredBatchError extends CodedError<'DELIVERY_DEFERRED'> {
  constructor(message: string) {
    super('DELIVERY_DEFERRED', message, { retriable: true });
  }
}
