import { CodedError } from '@parchee/errors';

/** Stable codes for text that cannot be turned into (or out of) short messages. */
export const SmsTextErrorCode = {
  /** 8-bit binary data (data_coding 2/4 or an 8-bit class group) is not text. */
  BINARY_DATA_CODING: 'BINARY_DATA_CODING',
  /** A data_coding this library does not decode (JIS, Cyrillic, compressed, reserved...). */
  UNSUPPORTED_DATA_CODING: 'UNSUPPORTED_DATA_CODING',
  /** The text needs more than 255 concatenated parts. */
  TEXT_TOO_LONG: 'TEXT_TOO_LONG',
  /** Arguments outside their allowed range (reference, part numbers). */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
} as const;
export type SmsTextErrorCode = (typeof SmsTextErrorCode)[keyof typeof SmsTextErrorCode];

/** Expected failure of a text operation. Never retriable: the same input fails the same way. */
export class SmsTextError extends CodedError<SmsTextErrorCode> {
  constructor(code: SmsTextErrorCode, message: string) {
    super(code, message, { retriable: false });
  }
}
