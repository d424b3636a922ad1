import { pepperConfig, postgresConfig, readConfig, redisConfig, type Env } from '@parchee/config';
import { RollError } from '@parchee/roll';

/** Database and cache settings every command needs; read and validated before any work starts. */
export function connectionConfig(env: Env = process.env) {
  return readConfig({ postgres: postgresConfig, redis: redisConfig }, env);
}

/**
 * The current pepper and, during a rotation, the next one (PARCHEE_PEPPER_NEXT). Needed only to
 * import (it keys every stored CNIC hash) and to query the audit trail.
 */
export function peppers(env: Env = process.env): { pepper: string; next?: string } {
  return readConfig({ pepper: pepperConfig }, env).pepper;
}

/** The pepper an import keys its version with: the next one when rotating (`--next-pepper`). */
export function importPepper(useNext: boolean, env: Env = process.env): string {
  const { pepper: current, next } = peppers(env);
  if (!useNext) return current;
  if (next === undefined) throw new RollError('ROLL_CONFIG_INVALID', '--next-pepper needs PARCHEE_PEPPER_NEXT or PARCHEE_PEPPER_NEXT_FILE', false);
  return next;
}
