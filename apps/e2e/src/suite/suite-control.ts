/**
 * Lets an e2e spec restart one service of the suite. Jest runs globalSetup, which owns the
 * processes, apart from the specs, so the suite is reached over a small HTTP server on
 * 127.0.0.1: `POST /restart/<ingress|lookup|egress>?signal=SIGTERM|SIGKILL` answers with the
 * RestartReport once the new process is ready. One restart at a time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SUITE_SERVICES, type RestartReport, type RunningSuite, type SuiteService } from './suite-launcher';

/** globalSetup puts the control server's base URL here for the specs. */
export const SUITE_CONTROL_URL_ENV = 'PARCHEE_E2E_CONTROL_URL';

export interface SuiteControl {
  url: string;
  close(): Promise<void>;
}

export async function startSuiteControl(suite: Pick<RunningSuite, 'restart'>): Promise<SuiteControl> {
  let busy = false;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://control');
    const match = /^\/restart\/([a-z-]+)$/.exec(url.pathname);
    const name = match?.[1] as SuiteService | undefined;
    const signal = url.searchParams.get('signal') ?? 'SIGTERM';
    if (req.method !== 'POST' || !name || !SUITE_SERVICES.includes(name) || (signal !== 'SIGTERM' && signal !== 'SIGKILL')) {
      return send(400, { error: 'POST /restart/<ingress|lookup|egress>?signal=SIGTERM|SIGKILL' });
    }
    if (busy) return send(409, { error: 'a restart is already running' });
    busy = true;
    suite.restart(name, signal).then(
      (report) => send(200, report),
      (err: Error) => send(500, { error: err.message }),
    ).finally(() => {
      busy = false;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** From a spec: restarts one service through the control server globalSetup started. */
export async function restartService(name: SuiteService, signal: 'SIGTERM' | 'SIGKILL'): Promise<RestartReport> {
  const base = process.env[SUITE_CONTROL_URL_ENV];
  if (!base) throw new Error(`${SUITE_CONTROL_URL_ENV} is not set: is globalSetup the suite's?`);
  const res = await fetch(`${base}/restart/${name}?signal=${signal}`, { method: 'POST' });
  const body = (await res.json()) as RestartReport & { error?: string };
  if (!res.ok) throw new Error(`restart ${name} ${signal}: ${res.status} ${body.error ?? ''}`);
  return body;
}
