import { CodedError } from '@parchee/errors';

/** A message on a topic does not match its contract. Never retriable: the bytes will not change. */
export class ContractError extends CodedError<'MALFORMED_MESSAGE'> {
  constructor(message: string) {
    super('MALFORMED_MESSAGE', message, { retriable: false });
  }
}
