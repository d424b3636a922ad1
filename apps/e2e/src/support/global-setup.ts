import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { ROOT, ensureSecrets, rollCli, run, startSuite, suiteEnv } from '../suite/suite-launcher';
import { E2E_STATE, E2E_ROLL_DIR, E2E_VOTERS } from './e2e-paths';

/**
 * A fresh test database, a fresh synthetic roll imported and activated, and the suite started
 * against them. Secrets are new for every run.
 */
export default async function globalSetup(): Promise<void> {
  rmSync(E2E_STATE, { recursive: true, force: true });
  const secrets = ensureSecrets(E2E_STATE);
  const databaseUrl = process.env['PARCHEE_E2E_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/parchee_e2e';
  const env = suiteEnv(secrets, databaseUrl, { LOG_LEVEL: 'info' });
  const dbName = new URL(databaseUrl).pathname.slice(1);
  await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`], {}, { quiet: true });
  // Cache keys carry the roll version, and a fresh database numbers versions from 1 again.
  const redis = new Redis(env['PARCHEE_REDIS_URL']);
  const stale = await redis.keys('parchee:*');
  if (stale.length > 0) await redis.del(...stale);
  redis.disconnect();

  await rollCli(['migrate'], env);
  await rollCli(['generate', '--voters', String(E2E_VOTERS), '--seed', '2024', '--out', E2E_ROLL_DIR], env);
  await rollCli(['import', '--dir', E2E_ROLL_DIR, '--label', 'e2e', '--activate'], env);

  const suite = await startSuite({ env, logDir: join(E2E_STATE, 'logs'), readyTimeoutMs: 90_000 });
  (globalThis as Record<string, unknown>)['__PARCHEE_SUITE__'] = suite;
  process.env['PARCHEE_E2E_ROOT'] = ROOT;
}
