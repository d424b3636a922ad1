import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { E2E_STATE } from './e2e-paths';
import { eventually } from './eventually';
import { sim, type LoadReport } from './sim-control';
import { OPERATORS, PORTS } from '@parchee/suite';

// The busy templates as a citizen reads them (libs/replies/src/sms/reply-templates.ts).
export const BUSY_UR = 'سروس اس وقت مصروف ہے۔ براہ کرم کچھ دیر بعد دوبارہ کوشش کریں۔';
export const BUSY_EN = 'The service is busy. Please try again in a few minutes.';

/** One `POST /load` of the simulator (apps/smsc-sim/README.md). */
export interface LoadPlan {
  count: number;
  concurrency: number;
  texts: string[];
  /** Per-MO wait for the reply; an acknowledged MO with no reply by then counts as lost. */
  timeoutMs: number;
  msisdnStart: number;
  /** A steady stream rather than a burst, so the fault meets subscribers arriving all along. */
  ratePerSec?: number;
  /**
   * Default: the five operators of config/operators.yaml (OPERATORS), the ones the fault specs
   * act on; the suite's quirk operators (support/quirk-operators.ts) are left to their own spec.
   */
  operators?: string[];
}

/** One fault's outcome as docs/fault-results.md reports it. */
/** The simulator's report of one fault's load, recounted from the replies the SMSCs received. */
export interface LoadCount extends Omit<LoadReport, 'timedOut'> {
  fault: string;
  /** Of the MSISDNs answered, those whose first reply was the documented "busy" reply. */
  busy: number;
  /** Extra replies: an MSISDN answered n times counts n - 1. */
  duplicated: number;
  /** Acknowledged MOs with no reply within the plan's timeout. */
  lost: number;
  /** MOs not acknowledged (refused, or no answer at all) that were answered anyway: stored before the SMSC heard back. */
  repliedUnacked: number;
  durationMs: number;
  /**
   * Replies to these MSISDNs that reached the SMSCs before the load began, left out of every
   * count above: the consumer groups outlive an e2e run, so MOs a failed earlier run left
   * unanswered in Kafka are answered when the next run starts, to the same test numbers.
   */
  earlierReplies: number;
  /** Indices (i of the load) of the MSISDNs that got no reply at all: the refused and failed MOs, and any lost. */
  unanswered: number[];
  /** When each reply reached the SMSC (epoch ms, ascending), for every MSISDN answered more than once. */
  doubled: number[][];
  /**
   * The longest time no reply at all reached the SMSCs between two replies of the load (ms), and
   * when it began and ended (epoch ms): under a steady load, how long a fault stopped the replies.
   */
  longestPause: { ms: number; from: number; to: number };
}

/** The longest interval between consecutive moments of `times` (epoch ms, any order). */
export function longestPause(times: readonly number[]): { ms: number; from: number; to: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { ms: 0, from: sorted[0] ?? 0, to: sorted[0] ?? 0 };
  for (let i = 1; i < sorted.length; i++) if (sorted[i] - sorted[i - 1] > best.ms) best = { ms: sorted[i] - sorted[i - 1], from: sorted[i - 1], to: sorted[i] };
  return best;
}

/** Complete MTs the simulator's SMSCs received so far, all operators together. */
export async function mtMessages(): Promise<number> {
  const stats = await sim<{ operators: Record<string, { mtMessages: number }> }>('GET', '/stats');
  return Object.values(stats.operators).reduce((sum, o) => sum + o.mtMessages, 0);
}

/** The simulator's MSISDN for MO i of a load (see loadMsisdn in smsc-sim). */
export function loadMsisdn(start: number, i: number): string {
  return `923${String(start + i).padStart(9, '0')}`;
}

/** Every reply the SMSCs received for each MSISDN of the load, oldest first. */
async function repliesPerMsisdn(
  start: number,
  count: number,
  since: number,
): Promise<{ replies: Array<Array<{ at: number; text: string }>>; earlier: number }> {
  const replies: Array<Array<{ at: number; text: string }>> = [];
  for (let i = 0; i < count; i += 50) {
    const chunk = Array.from({ length: Math.min(50, count - i) }, (_, k) => loadMsisdn(start, i + k));
    const got = await Promise.all(chunk.map((m) => sim<{ mts: Array<{ receivedAt: string; text: string }> }>('GET', `/mt?msisdn=${m}`)));
    replies.push(...got.map((r) => r.mts.map((mt) => ({ at: Date.parse(mt.receivedAt), text: mt.text })).sort((a, b) => a.at - b.at)));
  }
  const earlier = replies.reduce((n, r) => n + r.filter((mt) => mt.at < since).length, 0);
  return { replies: replies.map((r) => r.filter((mt) => mt.at >= since)), earlier };
}

/**
 * Runs the load and, once `afterReplies` of its replies reached the SMSCs, causes the fault
 * (`cause` resolves when the fault is over and the system is back); when the load is done,
 * counts per MSISDN the replies the operator SMSCs received.
 */
export async function loadThroughFault<T>(
  fault: string,
  plan: LoadPlan,
  afterReplies: number,
  cause: () => Promise<T>,
): Promise<{ count: LoadCount; caused: T }> {
  const before = await mtMessages();
  // The simulator dates replies by this machine's clock, as Date.now() here.
  const began = Date.now();
  const load = sim<LoadReport & { durationMs: number }>('POST', '/load', { operators: [...OPERATORS], ...plan });
  // If the fault fails the test first, the load still ends on its own: its outcome no longer matters.
  load.catch(() => undefined);
  await eventually(`${afterReplies} replies of the load`, async () => ((await mtMessages()) - before >= afterReplies ? true : undefined), 30_000, 10);
  const caused = await cause();
  const report = await load;
  const { replies, earlier } = await repliesPerMsisdn(plan.msisdnStart, plan.count, began);
  const answered = replies.filter((r) => r.length > 0);
  const doubled = replies.filter((r) => r.length > 1);
  const count: LoadCount = {
    fault,
    sent: report.sent,
    acked: report.acked,
    replied: report.replied,
    busy: answered.filter((r) => r[0].text === BUSY_EN || r[0].text === BUSY_UR).length,
    duplicated: doubled.reduce((sum, r) => sum + r.length - 1, 0),
    lost: report.acked - report.replied,
    repliedUnacked: answered.length - report.replied,
    refused: report.refused,
    failed: report.failed,
    durationMs: report.durationMs,
    earlierReplies: earlier,
    unanswered: replies.flatMap((r, i) => (r.length === 0 ? [i] : [])),
    doubled: doubled.map((r) => r.map((mt) => mt.at)),
    longestPause: longestPause(replies.flatMap((r) => r.map((mt) => mt.at))),
  };
  return { count, caused };
}

/** Resolves once ingress, lookup and egress all answer /health/ready. */
export async function suiteReady(timeoutMs = 60_000): Promise<void> {
  await eventually(
    'ingress, lookup and egress ready',
    async () => {
      const ready = await Promise.all(
        (['ingress', 'lookup', 'egress'] as const).map((s) =>
          fetch(`http://127.0.0.1:${PORTS[s]}/health/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        ),
      );
      return ready.every(Boolean) ? true : undefined;
    },
    timeoutMs,
    200,
  );
}

/** Writes a spec's counts to var/e2e/<file>, where docs/fault-results.md takes its figures from. */
export function writeFaultResults(file: string, results: unknown[]): void {
  mkdirSync(E2E_STATE, { recursive: true });
  writeFileSync(join(E2E_STATE, file), JSON.stringify(results, null, 2));
}
