import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_LOGS, E2E_PG_PROXY_FILE, E2E_ROLL_DIR, E2E_ROLL_RETRY_DEADLINE_MS, E2E_STATE, E2E_VOTERS, e2eDatabaseUrl } from './e2e-paths';
import { E2E_REDIS_URL, startPrivateRedis, stopPrivateRedis } from './private-redis';
import { writeQuirkOperatorFiles } from './quirk-operators';
import { SwitchableTcpProxy, writeProxyHandle } from './switchable-tcp-proxy';
import { ROOT, ensureSecrets, rollCli, run, startSuite, suiteEnv, SUITE_CONTROL_URL_ENV, startSuiteControl, moDedupeEnv } from '@parchee/suite';

/**
 * A fresh test database, a fresh synthetic roll imported and activated, and the suite started
 * against them, holding the five operators' links and the quirk operators' (quirk-operators.ts).
 * Secrets are new for every run.
 */
export default async function globalSetup(): Promise<void> {
  // The leak scan in global teardown reads Kafka records produced from here on: this run's.
  (globalThis as Record<string, unknown>)['__PARCHEE_RUN_STARTED_AT__'] = Date.now();
  rmSync(E2E_STATE, { recursive: true, force: true });
  const secrets = ensureSecrets(E2E_STATE);
  // The suite's own Redis, fresh and empty for every run: the fault specs stop and start it under
  // load, which the machine's Redis, shared with other work, must never be. Set before suiteEnv
  // reads it, and left in the environment for the specs, the teardown and its leak scan.
  await startPrivateRedis(join(E2E_STATE, 'redis'));
  process.env['PARCHEE_REDIS_URL'] = E2E_REDIS_URL;
  const databaseUrl = e2eDatabaseUrl();
  // The consumer and transaction timings are the services' defaults (libs/config): the resilience
  // spec holds them to resuming within 5 s after a kill -9.
  const env = suiteEnv(secrets, databaseUrl, {
    LOG_LEVEL: 'info',
    ...moDedupeEnv(),
    ...writeQuirkOperatorFiles(E2E_STATE),
  });
  const dbName = new URL(databaseUrl).pathname.slice(1);
  await run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-q', '-c', `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`], {}, { quiet: true });
  await rollCli(['migrate'], env);
  await rollCli(['generate', '--voters', String(E2E_VOTERS), '--seed', '2024', '--out', E2E_ROLL_DIR], env);
  await rollCli(['import', '--dir', E2E_ROLL_DIR, '--label', 'e2e', '--activate'], env);

  // Lookup reaches PostgreSQL through a proxy the outage spec can switch off, so that spec never
  // has to stop the machine's PostgreSQL, which other suites share.
  const target = new URL(databaseUrl);
  const proxy = new SwitchableTcpProxy(target.hostname, Number(target.port || 5432));
  const handle = await proxy.listen();
  writeProxyHandle(E2E_PG_PROXY_FILE, handle);
  (globalThis as Record<string, unknown>)['__PARCHEE_PG_PROXY__'] = proxy;
  const proxied = new URL(databaseUrl);
  proxied.port = String(handle.port);

  const suite = await startSuite({
    env,
    envFor: { lookup: { PARCHEE_DATABASE_URL: proxied.toString(), LOOKUP_ROLL_RETRY_DEADLINE_MS: String(E2E_ROLL_RETRY_DEADLINE_MS) } },
    logDir: E2E_LOGS,
    readyTimeoutMs: 90_000,
  }).catch(async (err: unknown) => {
    await proxy.close();
    await stopPrivateRedis();
    throw err;
  });
  (globalThis as Record<string, unknown>)['__PARCHEE_SUITE__'] = suite;
  const control = await startSuiteControl(suite);
  (globalThis as Record<string, unknown>)['__PARCHEE_SUITE_CONTROL__'] = control;
  process.env[SUITE_CONTROL_URL_ENV] = control.url;
  process.env['PARCHEE_E2E_ROOT'] = ROOT;
}
