import { isParcheeError } from './parchee-error';

/** What `errorCode` answers for an error that carries no code of ours. */
export const UNHANDLED_ERROR_CODE = 'UNHANDLED';

/**
 * Whether trying again later may succeed. Reads `retriable` of our errors and also of foreign
 * ones that carry it as a boolean: kafkajs's errors do (`KafkaJSError.retriable`, false on
 * `KafkaJSNonRetriableError`), and its verdict on its own failures is the best there is. An
 * error that does not say (a plain Error, a driver's, a thrown string) gets `otherwise`: false
 * by default, true where the caller's policy is "retry unless told not to".
 */
export function isRetriable(err: unknown, otherwise = false): boolean {
  if (typeof err === 'object' && err !== null && 'retriable' in err && typeof err.retriable === 'boolean') return err.retriable;
  return otherwise;
}

/**
 * The stable code of one of our errors, or `otherwise` ('UNHANDLED' by default) for anything
 * else. A foreign `code` (a Node errno, a SQLSTATE) is deliberately not passed through: it would
 * turn metric labels and dead-letter codes into an open set.
 */
export function errorCode(err: unknown, otherwise: string = UNHANDLED_ERROR_CODE): string {
  return isParcheeError(err) ? err.code : otherwise;
}
