/** The load the suite benchmark and the soak drive through the simulator, and its text mix. */
import { readFileSync } from 'node:fs';
import { sim, type LoadReport } from '../../support/sim-control';

/** One `POST /load` of the simulator (apps/smsc-sim/README.md). */
export interface SuiteLoadPlan {
  count: number;
  /** Most MOs waiting for their reply; unset: an open loop at ratePerSec. */
  concurrency?: number;
  ratePerSec?: number;
  timeoutMs?: number;
  /** Operators the MOs go to, in turn (default: all). */
  operators?: string[];
  texts: string[];
  /** MO i comes from MSISDN 923 followed by msisdnStart + i in nine digits. */
  msisdnStart: number;
}

/** Everything `POST /load` answers: the counts, how long the load took, the reply rate and the latency percentiles. */
export interface SuiteLoadResult extends LoadReport {
  durationMs: number;
  /** Replies per second over the load. */
  throughputPerSec: number;
  /** Acknowledged MOs per second over the load. */
  ackedPerSec: number;
  /** MO sent to complete MT received, over replied MOs only (nearest rank). */
  latencyMs: Percentiles;
  /** MO sent to its last part's deliver_sm_resp, over acknowledged MOs. */
  ackLatencyMs: Percentiles;
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function runLoad(plan: SuiteLoadPlan): Promise<SuiteLoadResult> {
  return sim<SuiteLoadResult>('POST', '/load', plan);
}

/**
 * A realistic mix from a generated roll's voters.csv: its first 5,000 CNICs (registered), the
 * first 500 again with the English keyword, an unknown CNIC and three texts that are not one.
 */
export function suiteTexts(votersCsv: string): string[] {
  const cnics = readFileSync(votersCsv, 'utf8')
    .split('\n')
    .slice(1, 5001)
    .map((l) => l.split(',')[0])
    .filter(Boolean);
  return [...cnics, ...cnics.slice(0, 500).map((c) => `E ${c}`), '3520199999999', 'HELP', 'my cnic', '12345'];
}
