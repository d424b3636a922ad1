import { isRetriable } from '@parchee/errors';
import { CommandStatus, SmppCommandError, SmppDecodeError, commandStatusName, segmentForSms, type Tlv } from '@parchee/smpp';
import type { Logger } from '@parchee/observability';
import { silentLogger } from '@parchee/observability';
import { maskMsisdn } from '@parchee/privacy';
import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import { moQuirkNames, withMoQuirks, type MoQuirks } from '../faults/mo-quirks';
import { deliverSmWithTrailingOctets } from '../faults/quirk-pdus';
import type { TrafficStats } from './traffic-stats';

/** SMPP addressing of injected MOs: international E.164 subscriber, short code of unknown type. */
export const MO_ADDRESSING = {
  sourceAddrTon: 1,
  sourceAddrNpi: 1,
  destAddrTon: 0,
  destAddrNpi: 0,
} as const;

export interface DeliverSmFields {
  sourceAddr: string;
  destinationAddr: string;
  shortMessage: Buffer;
  dataCoding: number;
  esmClass: number;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  destAddrTon: number;
  destAddrNpi: number;
  registeredDelivery: number;
  /** "USSD" when a quirk sends the MO as a USSD step; empty otherwise. */
  serviceType?: string;
  tlvs?: Tlv[];
}

/** A bound receiver or transceiver session that can carry a deliver_sm. */
export interface MoSession {
  deliverSm(fields: DeliverSmFields): Promise<{ commandStatus: number }>;
  /** A deliver_sm written by hand (a quirk the encoder would not write); the session writes in its sequence number. */
  deliverSmRaw(bytes: Buffer): Promise<{ commandStatus: number }>;
}

/** An operator's MO re-delivery (fault plan `moRedelivery`), defaults filled in. */
export interface MoRedelivery {
  /** Longest life of one MO, from its first attempt. */
  maxWaitMs: number;
  /** Pause after a failed attempt before the next one. */
  retryDelayMs: number;
}

/** Where one operator's MOs go: the next receiving bind, or none. */
export interface MoRoute {
  /** The next receiving bind in turn; one other than `avoid` whenever another is up. */
  nextReceiver(avoid?: MoSession): MoSession | undefined;
  /** Re-delivery while the operator's fault plan asks for it; undefined: an MO fails at once. */
  moRedelivery(): MoRedelivery | undefined;
  /** The quirks of the next MO as the operator's fault plan selects them ({} by default); each call counts one MO. */
  nextMoQuirks(): MoQuirks;
  /**
   * Calls `listener` each time a receiving bind comes up, once it can take a deliver_sm; returns
   * the function that unsubscribes.
   */
  onReceiverBound(listener: () => void): () => void;
}

export interface MoAck {
  operator: string;
  /** deliver_sm PDUs the MO took (parts; a part delivered again counts once). */
  parts: number;
  dataCoding: number;
  commandStatus: number;
  /** When the first deliver_sm went out. */
  sentAt: number;
  ackedAt: number;
}

export interface MoInjectorOptions {
  routes: ReadonlyMap<string, MoRoute>;
  shortCode: string;
  stats: TrafficStats;
  logger?: Logger;
  clock?: { now(): number };
}

export interface InjectOptions {
  /**
   * The caller's own limit on the MO (the exchange's timeoutMs): re-delivery stops at the earlier
   * of this and the plan's maxWaitMs, so POST /mo never outlives its timeout waiting for a bind.
   */
  timeoutMs?: number;
}

/**
 * Statuses an SMSC treats as "try again later" for a deliver_sm: the application is busy, its
 * queue is full, or it throttles. Everything else (a bad address, ESME_RSYSERR...) says the
 * message itself is unwelcome, and a real SMSC does not queue it again.
 */
export const TEMPORARY_MO_STATUSES: ReadonlySet<number> = new Set<number>([
  CommandStatus.ESME_RX_T_APPN,
  CommandStatus.ESME_RMSGQFUL,
  CommandStatus.ESME_RTHROTTLED,
]);

/** One deliver_sm of an MO: its fields, and its octets when a quirk has them written by hand. */
interface MoPart {
  fields: DeliverSmFields;
  raw?: Buffer;
}

/** One MO, segmented once: a re-delivery sends the same parts, byte for byte. */
interface PreparedMo {
  operator: string;
  msisdn: string;
  dataCoding: number;
  parts: MoPart[];
  /** Sent as a USSD step (fault plan quirks): counted apart as well. */
  ussd: boolean;
  /** Each part goes on another receiving bind than the part before it (fault plan quirks). */
  spread: boolean;
  /** The quirks it was sent with, as GET /stats counts them. */
  quirks: string[];
}

/** How one pass over the parts ended; `part` is the index of the part that failed. */
type Attempt = { kind: 'acked' } | { kind: 'refused'; part: number; status: number } | { kind: 'no-answer'; part: number; error: Error };

type FailedAttempt = Exclude<Attempt, { kind: 'acked' }>;

/** A wait that shutdown must be able to end: a wait for a bind, or the pause before a retry. */
interface PendingWait {
  release(): void;
}

/**
 * The status a deliver_sm was refused with: the ESME's non-zero answer or generic_nack
 * (SmppCommandError), or, for an answer too garbled to decode, the status it is nacked with
 * (SmppDecodeError). Undefined for no answer at all.
 */
function commandStatusOf(err: unknown): number | undefined {
  return err instanceof SmppCommandError || err instanceof SmppDecodeError ? err.commandStatus : undefined;
}

/** No answer that a later attempt may get: a response timeout, a lost connection, a full window queue. */
function isTransient(error: Error): boolean {
  return isRetriable(error);
}

function shuttingDown(): SimError {
  return new SimError('SHUTTING_DOWN', 'the simulator is stopping', false);
}

/**
 * Sends a subscriber's text to the service as deliver_sm: GSM 7-bit when it fits, UCS-2
 * otherwise, split with an 8-bit concat UDH when long. Parts go one after another over the same
 * bind, each waiting for its deliver_sm_resp, as SMSCs do; under the plan's moPartsAcrossBinds,
 * each on another receiving bind than the part before it, split as the rule's form says.
 *
 * While the operator's plan has moRedelivery, an MO stays queued until acknowledged, as at a real
 * SMSC: it waits for a receiving bind when none is up (woken by the bind, not by polling), and
 * after no answer or a temporary status it goes again, from the part that failed, on the next
 * receiving bind. Its life is bounded by maxWaitMs from the first attempt.
 */
export class MoInjector {
  private readonly refs = new Map<string, number>();
  private readonly logger: Logger;
  private readonly clock: { now(): number };
  private readonly waits = new Set<PendingWait>();
  private closed = false;

  constructor(private readonly opts: MoInjectorOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.clock = opts.clock ?? { now: () => Date.now() };
  }

  /** True when the operator is known and has a receiving bind up. */
  canDeliver(operator: string): boolean {
    return this.opts.routes.get(operator)?.nextReceiver() !== undefined;
  }

  /**
   * Resolves once every part is acknowledged with ESME_ROK. Rejects with SimError
   * UNKNOWN_OPERATOR / NO_RECEIVER_BIND / MO_FAILED / SHUTTING_DOWN, or MoRefusedError.
   */
  async inject(operator: string, msisdn: string, text: string, options: InjectOptions = {}): Promise<MoAck> {
    const route = this.opts.routes.get(operator);
    if (!route) throw new SimError('UNKNOWN_OPERATOR', `no simulated operator "${operator}"`, false);
    const redelivery = route.moRedelivery();
    if (redelivery) return this.injectQueued(route, redelivery, this.prepare(route, operator, msisdn, text), options);

    const session = route.nextReceiver();
    if (!session) throw noReceiverBind(operator);
    const mo = this.prepare(route, operator, msisdn, text);
    this.countSent(mo);
    const sentAt = this.clock.now();
    const attempt = await this.sendParts(route, session, mo, 0);
    if (attempt.kind !== 'acked') throw this.failure(mo, attempt);
    return this.acked(mo, sentAt);
  }

  /**
   * Ends every wait for a bind and every pause before a retry with SHUTTING_DOWN, at once, and
   * refuses new ones: stopping must not hang on MOs that would otherwise wait for minutes.
   */
  close(): void {
    this.closed = true;
    for (const wait of [...this.waits]) wait.release();
  }

  /** The moRedelivery path: attempts, waits for binds and retries until acknowledged or out of time. */
  private async injectQueued(route: MoRoute, redelivery: MoRedelivery, mo: PreparedMo, options: InjectOptions): Promise<MoAck> {
    const counters = this.opts.stats.of(mo.operator);
    const deadline = this.clock.now() + Math.min(redelivery.maxWaitMs, options.timeoutMs ?? Number.POSITIVE_INFINITY);
    let sentAt: number | undefined;
    let from = 0;
    let last: FailedAttempt | undefined;
    let waited = false;

    for (;;) {
      const session = route.nextReceiver();
      if (!session) {
        if (!waited) {
          waited = true;
          counters.mosWaitedForBind++;
        }
        this.logger.debug({ operator: mo.operator, from: maskMsisdn(mo.msisdn) }, 'MO waits for a receiving bind');
        if (!(await this.waitForBind(route, mo.operator, deadline - this.clock.now()))) {
          // Out of time: the last delivery failure stands; an MO never sent had no bind at all.
          throw last ? this.failure(mo, last) : noReceiverBind(mo.operator);
        }
        continue;
      }

      if (sentAt === undefined) {
        sentAt = this.clock.now();
        this.countSent(mo);
      } else if (last) {
        counters.mosRedelivered++;
        this.logger.debug({ operator: mo.operator, from: maskMsisdn(mo.msisdn), part: from + 1 }, 'MO delivered again');
      }
      const attempt = await this.sendParts(route, session, mo, from);
      if (attempt.kind === 'acked') return this.acked(mo, sentAt);

      last = attempt;
      from = attempt.part;
      const retriable = attempt.kind === 'refused' ? TEMPORARY_MO_STATUSES.has(attempt.status) : isTransient(attempt.error);
      const remaining = deadline - this.clock.now();
      if (!retriable || remaining <= 0) throw this.failure(mo, attempt);
      await this.pause(Math.min(redelivery.retryDelayMs, remaining));
      if (deadline - this.clock.now() <= 0) throw this.failure(mo, attempt);
    }
  }

  private prepare(route: MoRoute, operator: string, msisdn: string, text: string): PreparedMo {
    // A 16-bit count; an 8-bit header takes its low octet, so udh8 references run 1..255, 0, 1... as before.
    const ref = ((this.refs.get(operator) ?? 0) + 1) & 0xffff;
    this.refs.set(operator, ref);
    const quirks = route.nextMoQuirks();
    const mode = quirks.partsAcrossBinds ?? 'udh8';
    const { dataCoding, segments } = segmentForSms(text, { reference: mode === 'udh8' ? ref & 0xff : ref, mode });
    // A single part has nothing to spread: not counted as sent with the quirk.
    if (segments.length === 1) delete quirks.partsAcrossBinds;
    const parts = segments.map((segment): MoPart => {
      const fields = withMoQuirks<DeliverSmFields>(
        {
          sourceAddr: msisdn,
          destinationAddr: this.opts.shortCode,
          shortMessage: segment.shortMessage,
          dataCoding,
          esmClass: segment.esmClass,
          registeredDelivery: 0,
          ...MO_ADDRESSING,
          // SAR parts carry their header as TLVs.
          ...(segment.tlvs.length > 0 ? { tlvs: segment.tlvs } : {}),
        },
        quirks,
      );
      return quirks.trailingOctets ? { fields, raw: deliverSmWithTrailingOctets(fields, quirks.trailingOctets) } : { fields };
    });
    return {
      operator,
      msisdn,
      dataCoding,
      parts,
      ussd: quirks.ussd !== undefined,
      spread: quirks.partsAcrossBinds !== undefined,
      quirks: moQuirkNames(quirks),
    };
  }

  /** The MO's first deliver_sm is going out: counted once, with its quirks. */
  private countSent(mo: PreparedMo): void {
    const counters = this.opts.stats.of(mo.operator);
    counters.mosSent++;
    if (mo.ussd) counters.ussdMosSent++;
    for (const quirk of mo.quirks) counters.moQuirks[quirk] = (counters.moQuirks[quirk] ?? 0) + 1;
  }

  /**
   * Sends parts `from`.. in order, each after the previous one's ESME_ROK: all over `session`, or,
   * for an MO spread over binds, each part after the first on the route's next receiving bind
   * other than the previous part's (no bind up then: the attempt fails at that part).
   */
  private async sendParts(route: MoRoute, first: MoSession, mo: PreparedMo, from: number): Promise<Attempt> {
    const counters = this.opts.stats.of(mo.operator);
    let session = first;
    for (let part = from; part < mo.parts.length; part++) {
      if (mo.spread && part > from) {
        const next = route.nextReceiver(session);
        if (!next) return { kind: 'no-answer', part, error: noReceiverBind(mo.operator) };
        session = next;
      }
      counters.moPartsSent++;
      let commandStatus: number;
      const { fields, raw } = mo.parts[part];
      try {
        ({ commandStatus } = await (raw ? session.deliverSmRaw(raw) : session.deliverSm(fields)));
      } catch (err) {
        const status = commandStatusOf(err);
        if (status === undefined || status === 0) return { kind: 'no-answer', part, error: err as Error };
        commandStatus = status;
      }
      if (commandStatus !== 0) return { kind: 'refused', part, status: commandStatus };
    }
    return { kind: 'acked' };
  }

  private acked(mo: PreparedMo, sentAt: number): MoAck {
    const counters = this.opts.stats.of(mo.operator);
    counters.mosAcked++;
    if (mo.ussd) counters.ussdMosAcked++;
    return { operator: mo.operator, parts: mo.parts.length, dataCoding: mo.dataCoding, commandStatus: 0, sentAt, ackedAt: this.clock.now() };
  }

  /** The MO's final failure, counted once: MO_FAILED for no answer, MoRefusedError for a status. */
  private failure(mo: PreparedMo, attempt: FailedAttempt): SimError {
    const { operator } = mo;
    if (attempt.kind === 'no-answer') {
      this.opts.stats.of(operator).mosFailed++;
      if (mo.ussd) this.opts.stats.of(operator).ussdMosFailed++;
      // A spread MO whose next part found no bind up: said as it is, not as a lost answer.
      if (attempt.error instanceof SimError && attempt.error.code === 'NO_RECEIVER_BIND') return attempt.error;
      this.logger.warn({ operator, from: maskMsisdn(mo.msisdn), err: attempt.error.message }, 'deliver_sm got no answer');
      return new SimError('MO_FAILED', `deliver_sm to ${operator} failed: ${attempt.error.message}`, true, { cause: attempt.error });
    }
    const name = commandStatusName(attempt.status);
    this.opts.stats.moRefused(operator, name, mo.ussd);
    this.logger.debug({ operator, from: maskMsisdn(mo.msisdn), status: name }, 'deliver_sm refused');
    return new MoRefusedError(attempt.status, name);
  }

  /**
   * Resolves true when a receiving bind of the route comes up, false after `ms`; rejects with
   * SHUTTING_DOWN on close(). Keeps the operator's mosWaitingForBind gauge exact: up before the
   * first await, down the moment the wait ends.
   */
  private waitForBind(route: MoRoute, operator: string, ms: number): Promise<boolean> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (ms <= 0) return Promise.resolve(false);
    const counters = this.opts.stats.of(operator);
    counters.mosWaitingForBind++;
    return new Promise<boolean>((resolve, reject) => {
      // Every way out (a bind, the deadline, close()) runs after this executor has returned.
      const end = (outcome: 'bound' | 'timeout' | 'closed'): void => {
        if (!this.waits.delete(wait)) return;
        counters.mosWaitingForBind--;
        clearTimeout(timer);
        unsubscribe();
        if (outcome === 'closed') reject(shuttingDown());
        else resolve(outcome === 'bound');
      };
      const wait: PendingWait = { release: () => end('closed') };
      this.waits.add(wait);
      const timer = setTimeout(() => end('timeout'), ms);
      const unsubscribe = route.onReceiverBound(() => end('bound'));
    });
  }

  /** The pause before a retry; rejects with SHUTTING_DOWN on close(). */
  private pause(ms: number): Promise<void> {
    if (this.closed) return Promise.reject(shuttingDown());
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const wait: PendingWait = {
        release: () => {
          if (!this.waits.delete(wait)) return;
          clearTimeout(timer);
          reject(shuttingDown());
        },
      };
      this.waits.add(wait);
      const timer = setTimeout(() => {
        if (this.waits.delete(wait)) resolve();
      }, ms);
    });
  }
}

function noReceiverBind(operator: string): SimError {
  return new SimError('NO_RECEIVER_BIND', `no receiver or transceiver bind of ${operator} is up`, true);
}
