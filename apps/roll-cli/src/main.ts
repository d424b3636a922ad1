import { ConfigError } from '@parchee/config';
import { buildProgram } from './commands/roll-commands';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    // Expected failures (bad config, a refused drop, a missing file) read as one line, not a stack trace.
    const e = err as { code?: string; message?: string };
    const message = err instanceof ConfigError ? err.message : e.code ? `${e.code}: ${e.message}` : (e.message ?? String(err));
    process.stderr.write(`roll: ${message}\n`);
    if (process.env['ROLL_DEBUG']) process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
