import { CodedError } from '@parchee/errors';

/** Stable codes for a menu step that cannot be taken. */
export const UssdMenuErrorCode = {
  /** Screen limits or a re-prompt limit the menu cannot work with (too small, not whole numbers). */
  INVALID_MENU_OPTIONS: 'INVALID_MENU_OPTIONS',
  /** An event the state cannot take: a lookup result the menu did not ask for. */
  UNEXPECTED_MENU_EVENT: 'UNEXPECTED_MENU_EVENT',
  /** A stored state that is not a menu state of this version. */
  INVALID_MENU_STATE: 'INVALID_MENU_STATE',
} as const;
export type UssdMenuErrorCode = (typeof UssdMenuErrorCode)[keyof typeof UssdMenuErrorCode];

/** A caller's mistake or a corrupt state. Never retriable: the same step fails the same way. */
export class UssdMenuError extends CodedError<UssdMenuErrorCode> {
  constructor(code: UssdMenuErrorCode, message: string) {
    super(code, message, { retriable: false });
  }
}
