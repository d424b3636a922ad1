import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';

export interface LoadRequest {
  count: number;
  concurrency: number;
  operators: string[];
  texts: string[];
  /** Per-MO wait for the reply. */
  timeoutMs: number;
  /** First MSISDN suffix; MO i goes from 923 followed by (msisdnStart + i) in 9 digits. */
  msisdnStart?: number;
  /**
   * Paces the load: MO i is not sent before i / ratePerSec seconds into the run, so a fault in
   * the middle of it meets a steady stream of subscribers (as at a real SMSC) rather than a burst.
   * `concurrency` still caps the MOs outstanding. Unset: as fast as the replies come.
   */
  ratePerSec?: number;
}

export interface LoadReport {
  sent: number;
  /** MOs whose deliver_sm_resp was ESME_ROK. */
  acked: number;
  /** MOs whose complete reply MT arrived in time. */
  replied: number;
  timedOut: number;
  /** MOs the ESME refused, by command_status name. */
  refused: Record<string, number>;
  /** MOs that could not be sent or got no deliver_sm_resp (no bind, connection lost, timeout). */
  failed: Record<string, number>;
  durationMs: number;
  /** Replies per second over the run. */
  throughputPerSec: number;
  /** MO sent to complete MT received, over replied MOs only. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
}

export type Exchange = (req: MoExchangeRequest) => Promise<MoExchangeOutcome>;

/** Nearest-rank percentile of sorted values; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Distinct Pakistani mobile numbers: 923 and nine digits. */
export function loadMsisdn(start: number, i: number): string {
  return `923${String((start + i) % 1_000_000_000).padStart(9, '0')}`;
}

/**
 * Plays `count` subscribers, at most `concurrency` waiting for their reply at a time (and, with
 * `ratePerSec`, no faster than that); MO i goes
 * to operator i mod n and carries text i mod m, so every run with the same request sends the
 * same traffic.
 */
export interface LoadClock {
  now(): number;
  /** Waits `ms`; injectable so pacing can be tested without real time. */
  sleep?(ms: number): Promise<void>;
}

export async function runLoad(req: LoadRequest, exchange: Exchange, clock: LoadClock = { now: () => Date.now() }): Promise<LoadReport> {
  const start = req.msisdnStart ?? 0;
  const report: LoadReport = {
    sent: 0,
    acked: 0,
    replied: 0,
    timedOut: 0,
    refused: {},
    failed: {},
    durationMs: 0,
    throughputPerSec: 0,
    latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
  };
  const latencies: number[] = [];
  const began = clock.now();
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < req.count) {
      const i = next++;
      if (req.ratePerSec !== undefined) {
        const wait = began + (i * 1000) / req.ratePerSec - clock.now();
        if (wait > 0) await (clock.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(wait);
      }
      report.sent++;
      try {
        const outcome = await exchange({
          operator: req.operators[i % req.operators.length],
          msisdn: loadMsisdn(start, i),
          text: req.texts[i % req.texts.length],
          timeoutMs: req.timeoutMs,
        });
        report.acked++;
        if (outcome.kind === 'replied') {
          report.replied++;
          latencies.push(outcome.latencyMs);
        } else {
          report.timedOut++;
        }
      } catch (err) {
        if (err instanceof MoRefusedError) tally(report.refused, err.commandStatusName);
        else tally(report.failed, err instanceof SimError ? err.code : 'UNEXPECTED');
      }
    }
  };

  await Promise.all(Array.from({ length: Math.max(1, Math.min(req.concurrency, req.count)) }, () => worker()));
  report.durationMs = clock.now() - began;
  latencies.sort((a, b) => a - b);
  report.latencyMs = {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.length ? latencies[latencies.length - 1] : 0,
  };
  report.throughputPerSec = report.durationMs > 0 ? Math.round((report.replied / report.durationMs) * 1000 * 10) / 10 : 0;
  return report;
}

function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
