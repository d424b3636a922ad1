import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../../..');

/** What one run of the CLI left behind: its exit code and both streams. */
export interface RollCliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RollCliTarget {
  databaseUrl: string;
  pepper: string;
}

/**
 * Runs the roll CLI the way an operator does, as its own process from the repository root,
 * against one test database and pepper; `env` adds to or overrides the environment of one run.
 * It resolves even when the CLI fails, so a spec can assert on the exit code and stderr.
 */
export function rollCliRunner(target: RollCliTarget): (args: string[], env?: Record<string, string | undefined>) => Promise<RollCliRun> {
  return (args, env = {}) =>
    new Promise((done) => {
      execFile(
        process.execPath,
        ['-r', '@swc-node/register', 'apps/roll-cli/src/main.ts', ...args],
        { cwd: ROOT, env: { ...process.env, PARCHEE_DATABASE_URL: target.databaseUrl, PARCHEE_PEPPER: target.pepper, ...env }, timeout: 60_000 },
        (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
}
