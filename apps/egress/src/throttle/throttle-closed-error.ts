import { CodedError } from '@parchee/errors';

/** A token asked of a throttle that was closed (the service is stopping): trying again later may succeed. */
export class ThrottleClosedError extends CodedError<'THROTTLE_CLOSED'> {
  constructor(operator: string) {
    super('THROTTLE_CLOSED', `the submit throttle for ${operator} is closed`, { retriable: true });
  }
}
