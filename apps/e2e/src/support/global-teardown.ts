import type { RunningSuite } from '../suite/suite-launcher';

export default async function globalTeardown(): Promise<void> {
  const suite = (globalThis as Record<string, unknown>)['__PARCHEE_SUITE__'] as RunningSuite | undefined;
  await suite?.stop();
}
