import { redisAnswers, stopPrivateRedis } from './private-redis';
import type { SwitchableTcpProxy } from './switchable-tcp-proxy';
import { run, type RunningSuite, type SuiteControl } from '@parchee/suite';

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  const suite = globals['__PARCHEE_SUITE__'] as RunningSuite | undefined;
  await (globals['__PARCHEE_SUITE_CONTROL__'] as SuiteControl | undefined)?.close();
  await suite?.stop();
  const proxy = globals['__PARCHEE_PG_PROXY__'] as SwitchableTcpProxy | undefined;
  await proxy?.close();
  // Only after everything has stopped: every log line is flushed and nothing writes any more.
  const startedAt = globals['__PARCHEE_RUN_STARTED_AT__'] as number | undefined;
  // A failed scan rejects, and a rejecting global teardown makes the whole Jest run fail.
  try {
    if (suite && startedAt !== undefined) {
      await run(process.execPath, ['-r', '@swc-node/register', 'apps/e2e/src/leak-scan/e2e-leak-scan.ts', String(startedAt)], {});
    }
  } finally {
    // After the scan, which reads its keys. Whoever started it last (setup, or a fault spec).
    if (await redisAnswers()) await stopPrivateRedis();
  }
}
