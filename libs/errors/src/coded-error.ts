import type { ParcheeError } from './parchee-error';

export interface CodedErrorOptions {
  /** Whether doing the same thing again later may succeed. Always stated: there is no default. */
  retriable: boolean;
  /** The error underneath, kept as the standard `Error.cause`. */
  cause?: unknown;
}

/**
 * Base of Parchee's error classes: a stable `code` (narrowed by each root to its own codes), a
 * stated `retriable` and the standard `cause`. `name` is the concrete class's, so logs and stack
 * traces say which error it is. A failure nobody catches by class (thrown and handled in one
 * place, or fatal at boot) may throw a `CodedError` itself.
 */
export class CodedError<C extends string = string> extends Error implements ParcheeError {
  readonly code: C;
  readonly retriable: boolean;

  constructor(code: C, message: string, options: CodedErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable;
  }
}
