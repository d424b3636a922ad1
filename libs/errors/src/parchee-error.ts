/**
 * The one error protocol of Parchee. Every error our code throws on purpose carries:
 *
 * - `code`: stable and machine-readable. Callers, metric labels and dead letters branch on it,
 *   never on the message, which is for people and may change.
 * - `retriable`: whether doing the same thing again later may succeed (a timeout, a lost bind, a
 *   full queue) or never will (a malformed message, a bad address, bad configuration).
 * - `cause`: the error underneath, when one error wraps another (a driver's, a library's).
 *
 * The thrower sets all three; callers read them with `isRetriable`, `errorCode` or `instanceof`
 * the class, never by casting. `CodedError` is the base that gives a class all three; a class
 * that must extend something else implements this interface and is recognised the same way.
 */
export interface ParcheeError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly cause?: unknown;
}

/** True for an Error that follows the protocol: a string `code` and a boolean `retriable`. */
export function isParcheeError(err: unknown): err is ParcheeError {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' && 'retriable' in err && typeof err.retriable === 'boolean';
}
