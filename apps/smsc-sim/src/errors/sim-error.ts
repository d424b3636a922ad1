import { CodedError } from '@parchee/errors';

/** Stable codes for the simulator's expected failures; the control API maps each to an HTTP status. */
export type SimErrorCode = 'UNKNOWN_OPERATOR' | 'NO_RECEIVER_BIND' | 'MO_REFUSED' | 'MO_FAILED' | 'REPLY_TIMEOUT' | 'SHUTTING_DOWN';

/** Root of the simulator's errors: a stable `code` plus whether trying again may succeed. */
export class SimError extends CodedError<SimErrorCode> {
  constructor(code: SimErrorCode, message: string, retriable: boolean, options?: { cause?: unknown }) {
    super(code, message, { retriable, cause: options?.cause });
  }
}
