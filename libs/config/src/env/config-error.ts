/** Configuration is wrong: the process must not start. Lists every bad key at once. */
export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  readonly retriable = false;

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}
