import { join, resolve } from 'node:path';

export const E2E_STATE = resolve(__dirname, '../../../../var/e2e');
export const E2E_ROLL_DIR = join(E2E_STATE, 'roll');
export const E2E_VOTERS = 3000;
/** Where global setup tells the specs how to reach the proxy between lookup and PostgreSQL. */
export const E2E_PG_PROXY_FILE = join(E2E_STATE, 'pg-proxy.json');
export const E2E_LOGS = join(E2E_STATE, 'logs');
/** Lookup gives up on an unreachable roll after this long and answers "busy"; short so the outage spec is quick. */
export const E2E_ROLL_RETRY_DEADLINE_MS = 1500;

export function e2eDatabaseUrl(): string {
  return process.env['PARCHEE_E2E_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/parchee_e2e';
}
