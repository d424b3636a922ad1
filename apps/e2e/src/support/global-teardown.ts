import type { RunningSuite } from '../suite/suite-launcher';
import type { SuiteControl } from '../suite/suite-control';
import type { SwitchableTcpProxy } from './switchable-tcp-proxy';

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  const suite = globals['__PARCHEE_SUITE__'] as RunningSuite | undefined;
  await (globals['__PARCHEE_SUITE_CONTROL__'] as SuiteControl | undefined)?.close();
  await suite?.stop();
  const proxy = globals['__PARCHEE_PG_PROXY__'] as SwitchableTcpProxy | undefined;
  await proxy?.close();
}
