import { CodedError } from '@parchee/errors';

/** Configuration is wrong: the process must not start. Lists every bad key at once. */
export class ConfigError extends CodedError<'INVALID_CONFIG'> {
  constructor(readonly problems: string[]) {
    super('INVALID_CONFIG', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { retriable: false });
  }
}
