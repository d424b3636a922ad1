import { CommandStatus, RegisteredDelivery, type BindType } from '@parchee/smpp';
import {
  DEFAULT_LATE_RECEIPT_MS,
  DEFAULT_MO_MAX_WAIT_MS,
  DEFAULT_MO_RETRY_DELAY_MS,
  statusValue,
  type FaultPlan,
  type IntermediateReceiptStat,
  type MoConcatForm,
  type MoDestinationForm,
  type ReceiptForm,
  type ReceiptStat,
  type SubmitRespForm,
  type UssdMarker,
} from './fault-plan';
import { HitSelector, ruleSeed } from './hit-selector';
import type { MoQuirks } from './mo-quirks';
import { PerSecondWindow, SubmitRateMeter } from './per-second-window';
import { TpsLimiter } from './tps-limiter';

/** What to do with one submit_sm. `delayMs` holds the answer back; 0 answers at once. */
export type SubmitDecision =
  | { kind: 'disconnect' }
  | { kind: 'no-response' }
  | { kind: 'throttled'; status: number; delayMs: number }
  | { kind: 'refused'; status: number; delayMs: number }
  | { kind: 'accepted'; delayMs: number; respForm?: SubmitRespForm };

/** A delivery receipt to send for an accepted submit_sm. */
export interface ReceiptDecision {
  /** The final outcome. */
  stat: ReceiptStat;
  /** Intermediate receipts sent, in this order, before the final one. */
  intermediates: IntermediateReceiptStat[];
  /** After the submit_sm_resp went out. */
  delayMs: number;
  idForm: 'hex' | 'decimal';
  form: ReceiptForm;
}

/** Whether a bind is let in: refused with a status, and why (for the logs). */
export type BindVerdict = { ok: true } | { ok: false; status: number; reason: 'bind-refusal' | 'transceiver-only' | 'max-binds' };

/** The plan's MO re-delivery with its defaults filled in. */
export interface MoRedeliverySettings {
  /** Longest life of one MO, from its first attempt. */
  maxWaitMs: number;
  /** Pause after a failed attempt. */
  retryDelayMs: number;
}

const DEFAULT_SEED = 1;
/** Trailing octets after an MO part when the plan does not say: one NUL. */
const DEFAULT_TRAILING_OCTETS = { count: 1, value: 0 };

/**
 * One operator's fault plan, compiled: decides each submit_sm, each delivery receipt and the
 * quirks of each MO. Every rule sees every submit_sm (so "every 3rd" means the 3rd, 6th... the
 * operator received since the plan was set, whatever the other rules did); the strongest effect
 * wins: disconnect, then the TPS cap, then the per-second window, then the bind's own window, then
 * a scripted error, then no response. The delay applies to whatever answer goes out; the
 * submit_sm_resp quirks to accepted ones. The MO quirk rules count MOs the same way. It also
 * decides which binds to let in (bindRefusal, transceiverOnly, maxBinds).
 */
export class SubmitFaultPolicy {
  private readonly tps?: TpsLimiter;
  private readonly window?: PerSecondWindow;
  private readonly meter: SubmitRateMeter;
  private readonly disconnect?: HitSelector;
  private readonly noResponse?: HitSelector;
  private readonly delay?: HitSelector;
  private readonly errors: Array<{ status: number; selector: HitSelector }>;
  private readonly outcomes: Array<{ stat: ReceiptStat; selector: HitSelector }>;
  private readonly respForms: Array<{ form: SubmitRespForm; selector: HitSelector }>;
  private readonly moSourceNational?: HitSelector;
  private readonly moDestinations: Array<{ form: MoDestinationForm; selector: HitSelector }>;
  private readonly moTrailing?: { octets: Buffer; selector: HitSelector };
  private readonly moUssd: Array<{ marker: UssdMarker; selector: HitSelector }>;
  private readonly moPartsAcrossBinds?: { form: MoConcatForm; selector: HitSelector };
  /** Each bind's strict window (bindTpsWindow) and submit rate, by its session. */
  private readonly perBind = new WeakMap<object, { window?: PerSecondWindow; meter: SubmitRateMeter }>();
  private highestPerBind = 0;
  private readonly clock: { now(): number };
  /** Set while the plan keeps MOs queued until acknowledged; absent, MOs fail at once. */
  readonly moRedelivery?: MoRedeliverySettings;

  constructor(
    readonly plan: FaultPlan,
    clock: { now(): number } = { now: () => Date.now() },
  ) {
    this.clock = clock;
    const seed = plan.seed ?? DEFAULT_SEED;
    let rule = 0;
    const selector = (s: { every?: number; fraction?: number }): HitSelector => new HitSelector(s, ruleSeed(seed, rule++));
    if (plan.tpsCap !== undefined) this.tps = new TpsLimiter(plan.tpsCap, clock);
    if (plan.disconnect) this.disconnect = selector(plan.disconnect);
    if (plan.submitNoResponse) this.noResponse = selector(plan.submitNoResponse);
    if (plan.submitDelay) this.delay = selector(plan.submitDelay);
    this.errors = (plan.submitErrors ?? []).map((e) => ({ status: statusValue(e.status), selector: selector(e) }));
    this.outcomes = (plan.deliveryReceipts?.outcomes ?? []).map((o) => ({ stat: o.stat, selector: selector(o) }));
    // Rules added after the ones above, so a plan without them draws exactly as before.
    this.meter = new SubmitRateMeter(clock);
    if (plan.tpsWindow) this.window = new PerSecondWindow(plan.tpsWindow.cap, plan.tpsWindow.mode ?? 'sliding', clock);
    const quirks = plan.quirks ?? {};
    this.respForms = (quirks.submitResponses ?? []).map((r) => ({ form: r.form, selector: selector(r) }));
    if (quirks.moSourceNational) this.moSourceNational = selector(quirks.moSourceNational);
    this.moDestinations = (quirks.moDestinations ?? []).map((r) => ({ form: r.form, selector: selector(r) }));
    if (quirks.moTrailingOctets) {
      const { count = DEFAULT_TRAILING_OCTETS.count, value = DEFAULT_TRAILING_OCTETS.value } = quirks.moTrailingOctets;
      this.moTrailing = { octets: Buffer.alloc(count, value), selector: selector(quirks.moTrailingOctets) };
    }
    this.moUssd = (quirks.moUssd ?? []).map((r) => ({ marker: r.marker, selector: selector(r) }));
    if (quirks.moPartsAcrossBinds) this.moPartsAcrossBinds = { form: quirks.moPartsAcrossBinds.form ?? 'udh8', selector: selector(quirks.moPartsAcrossBinds) };
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

  /** The most submit_sm received within any 1 000 ms since the plan was set (every one, whatever its answer). */
  get maxSubmitsPerSecond(): number {
    return this.meter.maxPerSecond;
  }

  /** The most submit_sm received on any one bind within any 1 000 ms since the plan was set (every one, whatever its answer). */
  get maxSubmitsPerSecondPerBind(): number {
    return this.highestPerBind;
  }

  /** True while each delivery receipt must go to the bind that submitted its part (transceiverOnly). */
  get receiptsToSubmitter(): boolean {
    return this.plan.transceiverOnly !== undefined;
  }

  /**
   * Whether to let a bind of this type in, the credentials being right, given the binds of each
   * type the operator holds now: bindRefusal refuses every one, transceiverOnly all but
   * transceivers, maxBinds those beyond the account's number.
   */
  decideBind(bindType: BindType, bound: Readonly<Record<BindType, number>>): BindVerdict {
    const { bindRefusal, transceiverOnly, maxBinds } = this.plan;
    if (bindRefusal) return { ok: false, status: statusValue(bindRefusal.status ?? 'ESME_RINVPASWD'), reason: 'bind-refusal' };
    if (transceiverOnly && bindType !== 'transceiver') {
      return { ok: false, status: statusValue(transceiverOnly.status ?? 'ESME_RBINDFAIL'), reason: 'transceiver-only' };
    }
    const most = maxBinds?.[bindType];
    if (most !== undefined && bound[bindType] >= most) return { ok: false, status: statusValue(maxBinds?.status ?? 'ESME_RBINDFAIL'), reason: 'max-binds' };
    return { ok: true };
  }

  /** Decides one submit_sm; `bind` (its session) is what the per-bind window and rate count by. */
  decideSubmit(bind?: object): SubmitDecision {
    this.meter.record();
    const own = bind === undefined ? undefined : this.bindState(bind);
    if (own) {
      own.meter.record();
      this.highestPerBind = Math.max(this.highestPerBind, own.meter.maxPerSecond);
    }
    const disconnect = this.disconnect?.hit() ?? false;
    // A submit_sm the bucket refuses does not use up the windows' second.
    const withinCap = (this.tps?.tryTake() ?? true) && (this.window?.tryTake() ?? true) && (own?.window?.tryTake() ?? true);
    // Every error rule counts this submit_sm, even after an earlier one has hit.
    const errorHits = this.errors.map((e) => e.selector.hit());
    const noResponse = this.noResponse?.hit() ?? false;
    const delayMs = (this.delay?.hit() ?? false) ? (this.plan.submitDelay?.ms ?? 0) : 0;
    const respForm = firstHit(this.respForms)?.form;

    if (disconnect) return { kind: 'disconnect' };
    if (!withinCap) return { kind: 'throttled', status: CommandStatus.ESME_RTHROTTLED, delayMs };
    const error = this.errors.find((_, i) => errorHits[i]);
    if (error) return { kind: 'refused', status: error.status, delayMs };
    if (noResponse) return { kind: 'no-response' };
    return respForm ? { kind: 'accepted', delayMs, respForm } : { kind: 'accepted', delayMs };
  }

  /** The quirks of the next MO the operator sends; every MO rule counts it. */
  decideMo(): MoQuirks {
    const quirks: MoQuirks = {};
    if (this.moSourceNational?.hit()) quirks.sourceNational = true;
    const destination = firstHit(this.moDestinations);
    if (destination) quirks.destinationForm = destination.form;
    if (this.moTrailing?.selector.hit()) quirks.trailingOctets = this.moTrailing.octets;
    const ussd = firstHit(this.moUssd);
    if (ussd) quirks.ussd = ussd.marker;
    if (this.moPartsAcrossBinds?.selector.hit()) quirks.partsAcrossBinds = this.moPartsAcrossBinds.form;
    return quirks;
  }

  private bindState(bind: object): { window?: PerSecondWindow; meter: SubmitRateMeter } {
    let state = this.perBind.get(bind);
    if (!state) {
      const cap = this.plan.bindTpsWindow;
      state = { meter: new SubmitRateMeter(this.clock), ...(cap ? { window: new PerSecondWindow(cap.cap, cap.mode ?? 'sliding', this.clock) } : {}) };
      this.perBind.set(bind, state);
    }
    return state;
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
    return { stat, intermediates: config.intermediates ?? [], delayMs, idForm: config.idForm ?? 'hex', form: config.form ?? 'standard' };
  }
}

/** The first rule whose selector hits; every rule counts the event, even after one has hit. */
function firstHit<R extends { selector: HitSelector }>(rules: readonly R[]): R | undefined {
  if (rules.length === 0) return undefined;
  const hits = rules.map((r) => r.selector.hit());
  return rules.find((_, i) => hits[i]);
}
