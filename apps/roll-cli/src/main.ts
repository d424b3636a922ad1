import { ConfigError } from '@parchee/config';
import { isParcheeError } from '@parchee/errors';
import { buildProgram } from './commands/roll-commands';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    // Expected failures (bad config, a refused drop, a missing file) read as one line, not a stack trace.
    const message =
      err instanceof ConfigError ? err.message : isParcheeError(err) ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`roll: ${message}\n`);
    if (process.env['ROLL_DEBUG']) process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
