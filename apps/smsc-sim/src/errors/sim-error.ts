/** Stable codes for the simulator's expected failures; the control API maps each to an HTTP status. */
export type SimErrorCode =
  | 'UNKNOWN_OPERATOR'
  | 'NO_RECEIVER_BIND'
  | 'MO_REFUSED'
  | 'MO_FAILED'
  | 'REPLY_TIMEOUT'
  | 'SHUTTING_DOWN';

/** Root of the simulator's errors: a stable `code` plus whether trying again may succeed. */
export class SimError extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SimError';
  }
}
