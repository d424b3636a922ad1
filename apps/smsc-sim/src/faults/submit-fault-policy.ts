import { CommandStatus, RegisteredDelivery } from '@parchee/smpp';
import {
  DEFAULT_LATE_RECEIPT_MS,
  DEFAULT_MO_MAX_WAIT_MS,
  DEFAULT_MO_RETRY_DELAY_MS,
  statusValue,
  type FaultPlan,
  type ReceiptForm,
  type ReceiptStat,
} from './fault-plan';
import { HitSelector, ruleSeed } from './hit-selector';
import { TpsLimiter } from './tps-limiter';

/** What to do with one submit_sm. `delayMs` holds the answer back; 0 answers at once. */
export type SubmitDecision =
  | { kind: 'disconnect' }
  | { kind: 'no-response' }
  | { kind: 'throttled'; status: number; delayMs: number }
  | { kind: 'refused'; status: number; delayMs: number }
  | { kind: 'accepted'; delayMs: number };

/** A delivery receipt to send for an accepted submit_sm. */
export interface ReceiptDecision {
  stat: ReceiptStat;
  /** After the submit_sm_resp went out. */
  delayMs: number;
  idForm: 'hex' | 'decimal';
  form: ReceiptForm;
}

/** The plan's MO re-delivery with its defaults filled in. */
export interface MoRedeliverySettings {
  /** Longest life of one MO, from its first attempt. */
  maxWaitMs: number;
  /** Pause after a failed attempt. */
  retryDelayMs: number;
}

const DEFAULT_SEED = 1;

/**
 * One operator's fault plan, compiled: decides each submit_sm and each delivery receipt. Every
 * rule sees every submit_sm (so "every 3rd" means the 3rd, 6th... the operator received since the
 * plan was set, whatever the other rules did); the strongest effect wins: disconnect, then the TPS
 * cap, then a scripted error, then no response. The delay applies to whatever answer goes out.
 */
export class SubmitFaultPolicy {
  private readonly tps?: TpsLimiter;
  private readonly disconnect?: HitSelector;
  private readonly noResponse?: HitSelector;
  private readonly delay?: HitSelector;
  private readonly errors: Array<{ status: number; selector: HitSelector }>;
  private readonly outcomes: Array<{ stat: ReceiptStat; selector: HitSelector }>;
  /** Set while the plan keeps MOs queued until acknowledged; absent, MOs fail at once. */
  readonly moRedelivery?: MoRedeliverySettings;

  constructor(
    readonly plan: FaultPlan,
    clock: { now(): number } = { now: () => Date.now() },
  ) {
    const seed = plan.seed ?? DEFAULT_SEED;
    let rule = 0;
    const selector = (s: { every?: number; fraction?: number }): HitSelector => new HitSelector(s, ruleSeed(seed, rule++));
    if (plan.tpsCap !== undefined) this.tps = new TpsLimiter(plan.tpsCap, clock);
    if (plan.disconnect) this.disconnect = selector(plan.disconnect);
    if (plan.submitNoResponse) this.noResponse = selector(plan.submitNoResponse);
    if (plan.submitDelay) this.delay = selector(plan.submitDelay);
    this.errors = (plan.submitErrors ?? []).map((e) => ({ status: statusValue(e.status), selector: selector(e) }));
    this.outcomes = (plan.deliveryReceipts?.outcomes ?? []).map((o) => ({ stat: o.stat, selector: selector(o) }));
    if (plan.moRedelivery) {
      this.moRedelivery = {
        maxWaitMs: plan.moRedelivery.maxWaitMs ?? DEFAULT_MO_MAX_WAIT_MS,
        retryDelayMs: plan.moRedelivery.retryDelayMs ?? DEFAULT_MO_RETRY_DELAY_MS,
      };
    }
  }

  /** True when the plan changes nothing: the simulator's default, well-behaved SMSC. */
  get isEmpty(): boolean {
    return Object.keys(this.plan).filter((k) => k !== 'seed').length === 0;
  }

  decideSubmit(): SubmitDecision {
    const disconnect = this.disconnect?.hit() ?? false;
    const withinCap = this.tps?.tryTake() ?? true;
    // Every error rule counts this submit_sm, even after an earlier one has hit.
    const errorHits = this.errors.map((e) => e.selector.hit());
    const noResponse = this.noResponse?.hit() ?? false;
    const delayMs = (this.delay?.hit() ?? false) ? (this.plan.submitDelay?.ms ?? 0) : 0;

    if (disconnect) return { kind: 'disconnect' };
    if (!withinCap) return { kind: 'throttled', status: CommandStatus.ESME_RTHROTTLED, delayMs };
    const error = this.errors.find((_, i) => errorHits[i]);
    if (error) return { kind: 'refused', status: error.status, delayMs };
    if (noResponse) return { kind: 'no-response' };
    return { kind: 'accepted', delayMs };
  }

  /**
   * The receipt for an accepted submit_sm with this registered_delivery, or none: receipts are
   * off without `deliveryReceipts`, and "failure only" requests get no receipt for DELIVRD.
   */
  decideReceipt(registeredDelivery: number): ReceiptDecision | undefined {
    const config = this.plan.deliveryReceipts;
    const requested = registeredDelivery & 0x03;
    if (!config || (requested !== RegisteredDelivery.SUCCESS_OR_FAILURE && requested !== RegisteredDelivery.FAILURE_ONLY)) return undefined;
    const hits = this.outcomes.map((o) => o.selector.hit());
    const stat = this.outcomes.find((_, i) => hits[i])?.stat ?? 'DELIVRD';
    if (stat === 'DELIVRD' && requested === RegisteredDelivery.FAILURE_ONLY) return undefined;
    const delay = config.delay ?? 'immediate';
    const delayMs = delay === 'immediate' ? 0 : delay === 'late' ? (config.lateMs ?? DEFAULT_LATE_RECEIPT_MS) : delay;
    return { stat, delayMs, idForm: config.idForm ?? 'hex', form: config.form ?? 'standard' };
  }
}
