import { CodedError } from '@parchee/errors';

/**
 * Stable codes for every failure the SMPP layer reports. Callers branch on `code` and `retriable`,
 * never on the message text.
 */
export type SmppErrorCode =
  | 'RESPONSE_TIMEOUT'
  | 'CONNECTION_LOST'
  | 'CONNECT_TIMEOUT'
  | 'NOT_BOUND'
  | 'BIND_FAILED'
  | 'COMMAND_STATUS'
  | 'DECODE_ERROR'
  | 'INVALID_PDU'
  | 'INVALID_BIND_TYPE'
  | 'UNEXPECTED_RESPONSE'
  | 'QUEUE_FULL'
  | 'SOCKET_ERROR';

export interface SmppErrorOptions {
  /** Default false. */
  retriable?: boolean;
  cause?: unknown;
}

/** Root of the SMPP error hierarchy: a stable `code` plus whether trying again may succeed. */
export class SmppError extends CodedError<SmppErrorCode> {
  constructor(code: SmppErrorCode, message: string, options: SmppErrorOptions = {}) {
    super(code, message, { retriable: options.retriable ?? false, cause: options.cause });
  }
}
