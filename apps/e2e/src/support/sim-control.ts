/** The simulator's control API (apps/smsc-sim/README.md), as the specs drive it. */
export const SIM_URL = `http://127.0.0.1:${PORTS.sim}`;
import { PORTS } from '@parchee/suite';

/** One JSON call to the simulator; a non-2xx answer fails with its body. */
export async function sim<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${SIM_URL}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** What `POST /load` answers. */
export interface LoadReport {
  sent: number;
  acked: number;
  replied: number;
  timedOut: number;
  refused: Record<string, number>;
  failed: Record<string, number>;
}

/** How many replies the operator SMSCs received for one MSISDN (`GET /mt`). */
export async function repliesTo(msisdn: string): Promise<number> {
  return (await sim<{ count: number }>('GET', `/mt?msisdn=${msisdn}`)).count;
}
