import {
  CommandStatus,
  commandStatusName,
  SmscServer,
  type BindDecision,
  type BindRequest,
  type ServerSession,
  type SubmitSm,
  type SubmitSmResult,
} from '@parchee/smpp';
import type { Logger } from '@parchee/observability';
import { silentLogger } from '@parchee/observability';
import type { OperatorSimConfig, SimConfig } from '../config/sim-config';
import { receiptDeliverSm, type ReceiptWord } from '../faults/delivery-receipt';
import { copyFaultCounters, emptyFaultCounters, type FaultCounters } from '../faults/fault-counters';
import type { FaultPlan } from '../faults/fault-plan';
import { garbagePdu, type GarbageKind } from '../faults/garbage-pdus';
import type { MoQuirks } from '../faults/mo-quirks';
import { submitSmRespPdu } from '../faults/quirk-pdus';
import { SubmitFaultPolicy, type ReceiptDecision } from '../faults/submit-fault-policy';
import type { MoRedelivery, MoRoute, MoSession } from '../traffic/mo-injector';
import type { SubmittedSm } from '../traffic/mt-recorder';

export type BindType = 'receiver' | 'transmitter' | 'transceiver';

export interface OperatorSmscOptions {
  config: OperatorSimConfig;
  host: string;
  smpp: SimConfig['smpp'];
  /** Called for every accepted submit_sm with the message_id it is answered with. */
  onSubmitSm(operator: string, sm: SubmittedSm, messageId: string): void;
  nextMessageId(): string;
  logger?: Logger;
  /** Time source of the TPS cap and receipt dates (tests inject one). */
  clock?: { now(): number };
}

/** How long shutdown waits for each ESME to answer our unbind before dropping the connection. */
const UNBIND_GRACE_MS = 2_000;

/** Sequence numbers of injected garbage sit far above the session's own, so the ESME's answer to one never settles a real request. */
const GARBAGE_SEQUENCE_BASE = 0x7fff0000;

/**
 * One operator's SMSC: an SMPP listener with its own credentials. Receiving binds (receiver and
 * transceiver) take MOs and delivery receipts in turn (under the plan's transceiverOnly, each
 * receipt goes to the bind that submitted its part). submit_sm is answered, and binds let in, as
 * the operator's fault plan says (by default ESME_ROK with a fresh message_id at once, every bind
 * with the right credentials); the plan can be replaced at run time.
 */
export class OperatorSmsc implements MoRoute {
  readonly id: string;
  private readonly server: SmscServer;
  private readonly logger: Logger;
  private readonly receivers: ServerSession[] = [];
  private readonly bound = new Set<ServerSession>();
  private turn = 0;
  private listeningPort?: number;
  private readonly clock: { now(): number };
  private policy: SubmitFaultPolicy;
  private readonly counters: FaultCounters = emptyFaultCounters();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly receiverBoundListeners = new Set<() => void>();
  private garbageSeq = 0;

  constructor(private readonly opts: OperatorSmscOptions) {
    this.id = opts.config.id;
    this.logger = (opts.logger ?? silentLogger).child({ operator: this.id });
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.policy = new SubmitFaultPolicy(opts.config.faults ?? {}, this.clock);
    this.server = new SmscServer({
      host: opts.host,
      port: opts.config.port,
      authenticate: (bind) => this.authenticate(bind),
      sessionOptions: { ...opts.smpp, unbindTimeoutMs: UNBIND_GRACE_MS, name: `smsc-sim:${this.id}` },
      logger: this.logger,
      systemId: `sim-${this.id}`.slice(0, 15),
    });
    this.server.on('session', (session: ServerSession) => this.onSession(session));
  }

  /** The port actually listened on (the configured one, or the one picked for port 0). */
  get port(): number {
    if (this.listeningPort === undefined) throw new Error(`operator ${this.id} is not listening`);
    return this.listeningPort;
  }

  async start(): Promise<number> {
    const { port } = await this.server.listen();
    this.listeningPort = port;
    this.logger.info({ host: this.opts.host, port, systemId: this.opts.config.systemId }, 'operator SMSC listening');
    return port;
  }

  /** Receiving binds in turn, so MOs spread over every receiver the ESME holds; one other than `avoid` when another is up. */
  nextReceiver(avoid?: MoSession): MoSession | undefined {
    const next = this.nextReceivingSession();
    if (avoid === undefined || next !== avoid || this.receivers.length < 2) return next;
    return this.nextReceivingSession();
  }

  /** The plan's MO re-delivery, defaults filled in; undefined while the plan has none. */
  moRedelivery(): MoRedelivery | undefined {
    return this.policy.moRedelivery;
  }

  /** The quirks the plan selects for the next MO (none by default); each call counts one MO. */
  nextMoQuirks(): MoQuirks {
    return this.policy.decideMo();
  }

  /** Calls `listener` after each receiving bind's bind_resp has gone out; returns the unsubscribe function. */
  onReceiverBound(listener: () => void): () => void {
    this.receiverBoundListeners.add(listener);
    return () => this.receiverBoundListeners.delete(listener);
  }

  private nextReceivingSession(): ServerSession | undefined {
    if (this.receivers.length === 0) return undefined;
    const session = this.receivers[this.turn % this.receivers.length];
    this.turn = (this.turn + 1) % this.receivers.length;
    return session;
  }

  bindCounts(): Record<BindType, number> {
    const counts: Record<BindType, number> = { receiver: 0, transmitter: 0, transceiver: 0 };
    for (const session of this.bound) counts[session.bindType]++;
    return counts;
  }

  /** The fault plan in force. */
  get faults(): FaultPlan {
    return this.policy.plan;
  }

  /** Replaces the fault plan; its every-Nth counts, PRNGs and TPS bucket start afresh. */
  setFaults(plan: FaultPlan): void {
    this.policy = new SubmitFaultPolicy(plan, this.clock);
    this.logger.info({ faults: plan }, 'fault plan set');
  }

  /** Back to the plan from the configuration (none unless the config file gave one). */
  resetFaults(): FaultPlan {
    this.setFaults(this.opts.config.faults ?? {});
    return this.policy.plan;
  }

  faultCounters(): FaultCounters {
    return {
      ...copyFaultCounters(this.counters),
      maxSubmitsPerSecond: this.policy.maxSubmitsPerSecond,
      maxSubmitsPerSecondPerBind: this.policy.maxSubmitsPerSecondPerBind,
    };
  }

  /** Drops every bind of this operator at once, as a network failure would; returns how many. */
  disconnectAll(reason: string): number {
    const sessions = [...this.bound];
    this.counters.disconnects++;
    for (const session of sessions) session.close(reason);
    this.logger.info({ sessions: sessions.length, reason }, 'dropped every bind');
    return sessions.length;
  }

  /** Writes one malformed PDU of each kind, in order, to every bound session; returns how many sessions got them. */
  injectGarbage(kinds: readonly GarbageKind[]): number {
    const sessions = [...this.bound].filter((s) => s.isOpen);
    for (const session of sessions) {
      for (const kind of kinds) {
        session.writeRaw(garbagePdu(kind, GARBAGE_SEQUENCE_BASE + (this.garbageSeq++ % 0xffff)));
        this.counters.garbageSent++;
      }
    }
    this.logger.info({ sessions: sessions.length, kinds }, 'malformed PDUs sent');
    return sessions.length;
  }

  /** Stops listening and unbinds every ESME, waiting at most UNBIND_GRACE_MS for each to answer. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.counters.receiptsPending = 0;
    this.receiverBoundListeners.clear();
    await this.server.close();
  }

  private authenticate(bind: BindRequest): BindDecision {
    this.counters.bindAttempts[bind.bindType]++;
    const { systemId, password } = this.opts.config;
    let status: number = CommandStatus.ESME_ROK;
    let reason = 'wrong credentials';
    if (bind.systemId !== systemId) status = CommandStatus.ESME_RINVSYSID;
    else if (bind.password !== password) status = CommandStatus.ESME_RINVPASWD;
    else {
      // Right credentials: the plan may still refuse the bind (its counts are those bound now).
      const verdict = this.policy.decideBind(bind.bindType, this.bindCounts());
      if (verdict.ok) return { ok: true };
      ({ status, reason } = verdict);
    }
    const name = commandStatusName(status);
    this.counters.bindsRefused++;
    this.counters.bindRefusals[name] = (this.counters.bindRefusals[name] ?? 0) + 1;
    this.logger.warn({ systemId: bind.systemId, bindType: bind.bindType, remoteAddress: bind.remoteAddress, status: name, reason }, 'bind refused');
    return { ok: false, status };
  }

  private onSession(session: ServerSession): void {
    this.bound.add(session);
    if (session.bindType === 'receiver' || session.bindType === 'transceiver') {
      this.receivers.push(session);
      // SmscServer emits 'session' before it writes bind_resp; a waiting MO's deliver_sm must not
      // overtake it, so the listeners hear of the bind on the next turn of the event loop.
      if (this.receiverBoundListeners.size > 0) {
        setImmediate(() => {
          if (!session.isOpen) return;
          for (const listener of [...this.receiverBoundListeners]) listener();
        });
      }
    }
    session.setSubmitSmHandler((pdu) => this.answerSubmitSm(session, pdu));
    session.once('close', () => {
      this.bound.delete(session);
      const i = this.receivers.indexOf(session);
      if (i >= 0) this.receivers.splice(i, 1);
      this.logger.info({ bindType: session.bindType, remoteAddress: session.remoteAddress }, 'ESME session closed');
    });
    this.logger.info({ bindType: session.bindType, systemId: session.systemId, remoteAddress: session.remoteAddress }, 'ESME bound');
  }

  private answerSubmitSm(session: ServerSession, pdu: SubmitSm): Promise<SubmitSmResult> {
    const decision = this.policy.decideSubmit(session);
    switch (decision.kind) {
      case 'disconnect':
        this.disconnectAll('scripted disconnect');
        return this.never(session);
      case 'no-response':
        this.counters.submitsUnanswered++;
        return this.never(session);
      case 'throttled':
        this.counters.submitsThrottled++;
        return this.answerAfter(session, decision.delayMs, { status: decision.status });
      case 'refused': {
        const name = commandStatusName(decision.status);
        this.counters.submitsRefused[name] = (this.counters.submitsRefused[name] ?? 0) + 1;
        return this.answerAfter(session, decision.delayMs, { status: decision.status });
      }
      case 'accepted': {
        const messageId = this.opts.nextMessageId();
        const submittedAt = this.clock.now();
        this.opts.onSubmitSm(this.id, pdu, messageId);
        const receipt = this.policy.decideReceipt(pdu.registeredDelivery);
        // A transceiver-only account hears of each part on the bind that submitted it, and only there.
        const submitter = this.policy.receiptsToSubmitter ? session : undefined;
        if (receipt) this.scheduleReceipt(pdu, messageId, receipt, submittedAt, decision.delayMs, submitter);
        const result: SubmitSmResult = { status: CommandStatus.ESME_ROK, messageId };
        if (decision.respForm) {
          result.rawResponse = submitSmRespPdu(decision.respForm, messageId);
          this.counters.submitRespQuirks[decision.respForm] = (this.counters.submitRespQuirks[decision.respForm] ?? 0) + 1;
        }
        return this.answerAfter(session, decision.delayMs, result);
      }
    }
  }

  /** An answer that never goes out: it settles only when the session is gone, when responding is a no-op. */
  private never(session: ServerSession): Promise<SubmitSmResult> {
    return session.closed.then(() => ({ status: CommandStatus.ESME_RSYSERR }));
  }

  private answerAfter(session: ServerSession, delayMs: number, result: SubmitSmResult): Promise<SubmitSmResult> {
    if (delayMs <= 0) return Promise.resolve(result);
    this.counters.submitsDelayed++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve(result);
      }, delayMs);
      this.timers.add(timer);
      // A dropped session cannot be answered; settle so nothing waits on a dead timer.
      void session.closed.then(() => {
        if (!this.timers.delete(timer)) return;
        clearTimeout(timer);
        resolve(result);
      });
    });
  }

  /**
   * The final receipt goes `decision.delayMs` after the submit_sm_resp (which goes `answerDelayMs`
   * after the submit_sm). Intermediate receipts go right after the submit_sm_resp, each once the
   * one before it was answered, and the final one never before the last of them was answered, so
   * the ESME hears them in order whichever binds they take.
   */
  private scheduleReceipt(
    sm: SubmitSm,
    messageId: string,
    decision: ReceiptDecision,
    submittedAt: number,
    answerDelayMs: number,
    submitter?: ServerSession,
  ): void {
    let intermediates: Promise<void> = Promise.resolve();
    if (decision.intermediates.length > 0) {
      intermediates = new Promise((resolve) => {
        this.after(answerDelayMs, async () => {
          for (const stat of decision.intermediates) await this.sendReceipt(sm, messageId, decision, stat, submittedAt, submitter);
          resolve();
        });
      });
    }
    this.counters.receiptsPending++;
    this.after(answerDelayMs + decision.delayMs, () => {
      this.counters.receiptsPending--;
      void intermediates.then(() => this.sendReceipt(sm, messageId, decision, decision.stat, submittedAt, submitter));
    });
  }

  /** Runs `action` after `ms` unless stop() comes first. */
  private after(ms: number, action: () => unknown): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action();
    }, ms);
    this.timers.add(timer);
  }

  /** To `submitter` when given (a transceiver-only account; dropped if that bind is gone), else to the next receiving bind. */
  private async sendReceipt(
    sm: SubmitSm,
    messageId: string,
    decision: ReceiptDecision,
    stat: ReceiptWord,
    submittedAt: number,
    submitter?: ServerSession,
  ): Promise<void> {
    const receiver = submitter ? (submitter.isOpen ? submitter : undefined) : this.nextReceivingSession();
    if (!receiver) {
      this.counters.receiptsNoBind++;
      this.logger.debug({ messageId, stat }, 'delivery receipt dropped: no receiving bind');
      return;
    }
    const fields = receiptDeliverSm({ sm, messageId, decision, stat, submittedAt: new Date(submittedAt), doneAt: new Date(this.clock.now()) });
    try {
      await receiver.deliverSm(fields);
      this.counters.receiptsSent[stat] = (this.counters.receiptsSent[stat] ?? 0) + 1;
      this.logger.debug({ messageId, stat }, 'delivery receipt acknowledged');
    } catch (err) {
      this.counters.receiptsFailed++;
      this.logger.debug({ messageId, stat, err: (err as Error).message }, 'delivery receipt not acknowledged');
    }
  }
}
