import type { FaultPlan } from '../faults/fault-plan';
import type { GarbageKind } from '../faults/garbage-pdus';
import type { LoadReport, LoadRequest } from '../load/load-runner';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';
import type { RecordedMt } from '../traffic/mt-recorder';

/** Run-time fault scripting of one operator at a time; the operator id is known to be valid. */
export interface FaultControl {
  get(operator: string): FaultPlan;
  /** Replaces the plan; its counters and PRNGs start afresh. */
  set(operator: string, plan: FaultPlan): void;
  /** Back to the plan from the configuration; returns it. */
  reset(operator: string): FaultPlan;
  /** Drops every bind of the operator; returns how many. */
  disconnect(operator: string): number;
  /** Writes the malformed PDUs to every bound session; returns how many sessions. */
  injectGarbage(operator: string, kinds: readonly GarbageKind[]): number;
}

/** What the control API drives; the simulator implements it, tests may fake it. */
export interface SimulatorControl {
  readonly operatorIds: readonly string[];
  readonly faults: FaultControl;
  readonly defaultMoTimeoutMs: number;
  exchange(req: MoExchangeRequest): Promise<MoExchangeOutcome>;
  recentMts(query: { msisdn?: string; operator?: string; limit?: number }): RecordedMt[];
  stats(): unknown;
  runLoad(req: LoadRequest): Promise<LoadReport>;
}

/** DI token of the `SimulatorControl` the controllers drive (an interface vanishes at run time). */
export const SIM_CONTROL = Symbol('smsc-sim.control');
