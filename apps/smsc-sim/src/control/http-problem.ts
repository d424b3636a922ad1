import { CodedError } from '@parchee/errors';

/**
 * A control API request answered with an error: thrown by a route, sent by the router as `status`
 * with `body` as JSON. The code is the body's `error` in upper snake case (`no-receiver-bind`:
 * NO_RECEIVER_BIND); a 5xx is retriable: the request was fine, the simulator could not serve it yet.
 */
export class HttpProblem extends CodedError {
  constructor(
    readonly status: number,
    readonly body: { error: string } & Record<string, unknown>,
  ) {
    super(body.error.toUpperCase().replace(/-/g, '_'), body.error, { retriable: status >= 500 });
  }
}
