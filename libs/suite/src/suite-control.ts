/**
 * Lets an e2e spec restart one service of the suite. Jest runs globalSetup, which owns the
 * processes, apart from the specs, so the suite is reached over a small HTTP server on
 * 127.0.0.1: `POST /restart/<ingress|lookup|egress>?signal=SIGTERM|SIGKILL` answers with the
 * RestartReport once the new process is ready; `POST /stop/<service>?signal=…` and
 * `POST /start/<service>` are its two halves, for a test that acts while the service is down. One
 * request at a time.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SUITE_SERVICES, type RestartReport, type RunningSuite, type StopReport, type SuiteService } from './suite-launcher';

/** globalSetup puts the control server's base URL here for the specs. */
export const SUITE_CONTROL_URL_ENV = 'PARCHEE_E2E_CONTROL_URL';

export interface SuiteControl {
  url: string;
  close(): Promise<void>;
}

export async function startSuiteControl(suite: Pick<RunningSuite, 'restart' | 'stopService' | 'startService'>): Promise<SuiteControl> {
  let busy = false;
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://control');
    const match = /^\/(restart|stop|start)\/([a-z-]+)$/.exec(url.pathname);
    const action = match?.[1];
    const name = match?.[2] as SuiteService | undefined;
    const signal = url.searchParams.get('signal') ?? 'SIGTERM';
    if (req.method !== 'POST' || !name || !SUITE_SERVICES.includes(name) || (signal !== 'SIGTERM' && signal !== 'SIGKILL')) {
      return send(400, { error: 'POST /<restart|stop|start>/<ingress|lookup|egress>?signal=SIGTERM|SIGKILL' });
    }
    if (busy) return send(409, { error: 'a restart is already running' });
    busy = true;
    const work: Promise<unknown> =
      action === 'stop'
        ? suite.stopService(name, signal)
        : action === 'start'
          ? suite.startService(name).then((readyMs) => ({ readyMs }))
          : suite.restart(name, signal);
    work
      .then(
        (report) => send(200, report),
        (err: Error) => send(500, { error: err.message }),
      )
      .finally(() => {
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

async function control<T>(path: string): Promise<T> {
  const base = process.env[SUITE_CONTROL_URL_ENV];
  if (!base) throw new Error(`${SUITE_CONTROL_URL_ENV} is not set: is globalSetup the suite's?`);
  const res = await fetch(`${base}${path}`, { method: 'POST' });
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${body.error ?? ''}`);
  return body;
}

/** From a spec: restarts one service through the control server globalSetup started. */
export function restartService(name: SuiteService, signal: 'SIGTERM' | 'SIGKILL'): Promise<RestartReport> {
  return control<RestartReport>(`/restart/${name}?signal=${signal}`);
}

/** From a spec: stops one service and leaves it stopped until startService. */
export function stopService(name: SuiteService, signal: 'SIGTERM' | 'SIGKILL'): Promise<StopReport> {
  return control<StopReport>(`/stop/${name}?signal=${signal}`);
}

/** From a spec: starts a stopped service and waits until it is ready. */
export function startService(name: SuiteService): Promise<{ readyMs: number }> {
  return control<{ readyMs: number }>(`/start/${name}`);
}
