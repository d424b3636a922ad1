import { pepperConfig, postgresConfig, readConfig, redisConfig, type Env } from '@parchee/config';

/** Database and cache settings every command needs; read and validated before any work starts. */
export function connectionConfig(env: Env = process.env) {
  return readConfig({ postgres: postgresConfig, redis: redisConfig }, env);
}

/** The pepper is needed only to import (it keys every stored CNIC hash). */
export function pepper(env: Env = process.env): string {
  return readConfig({ pepper: pepperConfig }, env).pepper.pepper;
}
