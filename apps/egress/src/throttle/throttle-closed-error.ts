/** A token asked of a throttle that was closed (the service is stopping): trying again later may succeed. */
export class ThrottleClosedError extends Error {
  readonly code = 'THROTTLE_CLOSED';
  readonly retriable = true;

  constructor(operator: string) {
    super(`the submit throttle for ${operator} is closed`);
    this.name = 'ThrottleClosedError';
  }
}
