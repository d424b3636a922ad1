/** A message on a topic does not match its contract. Never retriable: the bytes will not change. */
export class ContractError extends Error {
  readonly code = 'MALFORMED_MESSAGE';
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'ContractError';
  }
}
