import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';
import type { MoAck } from '../traffic/mo-injector';

export interface LoadRequest {
  count: number;
  /**
   * Most MOs waiting for their reply at a time (a closed loop: the next MO goes when a reply
   * comes). Unset: an open loop, which needs `ratePerSec`: MO i goes at i / ratePerSec seconds
   * whatever the replies do, as subscribers do, so a slow service shows as growing latency and
   * timeouts instead of quietly lowering the offered rate.
   */
  concurrency?: number;
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
  /**
   * Default true: each MO is done when its reply MT arrives (or its timeout passes). False: when
   * its deliver_sm is acknowledged; no reply is awaited, `replied` and `timedOut` stay 0 and
   * `latencyMs` is all 0. For measuring the simulator's own MO rate, with an ESME that only acks.
   */
  awaitReply?: boolean;
}

export interface LoadReport {
  sent: number;
  /** MOs whose deliver_sm_resp was ESME_ROK. */
  acked: number;
  /** MOs whose complete reply MT arrived in time (0 when the load did not await replies). */
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
  latencyMs: Percentiles;
  /** MO sent to its (last part's) deliver_sm_resp, over acknowledged MOs. */
  ackLatencyMs: Percentiles;
  /** Acknowledged MOs per second over the run. */
  ackedPerSec: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export type Exchange = (req: MoExchangeRequest) => Promise<MoExchangeOutcome>;

/** The MO alone: resolves at its deliver_sm_resp (ESME_ROK), awaits no reply. Rejects as an Exchange does. */
export type Inject = (req: MoExchangeRequest) => Promise<MoAck>;

/** What a load plays MOs with: the round trip, and the MO alone for a load with `awaitReply: false`. */
export interface LoadTraffic {
  exchange: Exchange;
  inject?: Inject;
}

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

export interface LoadClock {
  now(): number;
  /** Waits `ms`; injectable so pacing can be tested without real time. */
  sleep?(ms: number): Promise<void>;
}

/**
 * Plays `count` subscribers: MO i goes to operator i mod n and carries text i mod m, so every run
 * with the same request sends the same traffic. With `concurrency`, at most that many wait for
 * their reply at a time (and, with `ratePerSec`, none goes early); without it, an open loop at
 * `ratePerSec`. With `awaitReply: false` each MO goes through `traffic.inject` and is done at its
 * acknowledgement.
 */
export async function runLoad(req: LoadRequest, traffic: Exchange | LoadTraffic, clock: LoadClock = { now: () => Date.now() }): Promise<LoadReport> {
  if (req.concurrency === undefined && req.ratePerSec === undefined) throw new RangeError('an open-loop load (no concurrency) needs ratePerSec');
  const { exchange, inject } = typeof traffic === 'function' ? { exchange: traffic, inject: undefined } : traffic;
  // Set when each MO is done at its acknowledgement (awaitReply false).
  const injectOnly = req.awaitReply === false ? inject : undefined;
  if (req.awaitReply === false && !injectOnly) throw new RangeError('a load that awaits no reply (awaitReply false) needs an inject function');
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
    ackLatencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
    ackedPerSec: 0,
  };
  const latencies: number[] = [];
  const ackLatencies: number[] = [];
  const began = clock.now();
  const sleep = clock.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const send = async (i: number): Promise<void> => {
    report.sent++;
    const mo: MoExchangeRequest = {
      operator: req.operators[i % req.operators.length],
      msisdn: loadMsisdn(start, i),
      text: req.texts[i % req.texts.length],
      timeoutMs: req.timeoutMs,
    };
    try {
      if (injectOnly) {
        const ack = await injectOnly(mo);
        report.acked++;
        ackLatencies.push(ack.ackedAt - ack.sentAt);
        return;
      }
      const outcome = await exchange(mo);
      report.acked++;
      ackLatencies.push(outcome.mo.ackedAt - outcome.mo.sentAt);
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
  };
  /** Waits until MO i is due under ratePerSec (no wait without one). */
  const due = async (i: number): Promise<void> => {
    if (req.ratePerSec === undefined) return;
    const wait = began + (i * 1000) / req.ratePerSec - clock.now();
    if (wait > 0) await sleep(wait);
  };

  if (req.concurrency === undefined) {
    // Open loop: every MO due by now goes at once, none waits for another's reply.
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; i < req.count; i++) {
      await due(i);
      inFlight.push(send(i));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < req.count) {
        const i = next++;
        await due(i);
        await send(i);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(req.concurrency, req.count)) }, () => worker()));
  }
  report.durationMs = clock.now() - began;
  report.latencyMs = percentiles(latencies);
  report.ackLatencyMs = percentiles(ackLatencies);
  report.throughputPerSec = perSecond(report.replied, report.durationMs);
  report.ackedPerSec = perSecond(report.acked, report.durationMs);
  return report;
}

function percentiles(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length ? values[values.length - 1] : 0,
  };
}

function perSecond(n: number, ms: number): number {
  return ms > 0 ? Math.round((n / ms) * 1000 * 10) / 10 : 0;
}

function tally(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
