import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Topics, encodeMessage, mtIdFor, type MtMessageV1, type ReplyLanguage } from '@parchee/contracts';
import { errorCode } from '@parchee/errors';
import type { OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { moRequestFromText } from '@parchee/requests';
import {
  decodeMenuState,
  renderScreen,
  resolveMenuContext,
  startMenu,
  stepMenu,
  type MenuContext,
  type MenuEvent,
  type MenuState,
  type ResolvedMenuContext,
  type Screen,
  type SendSmsAction,
  type StepResult,
} from '@parchee/ussd';
import type { VoterLookupOutcome, VoterLookupRequest, VoterLookupResult } from '@parchee/voter-lookup';
import type { UssdSessionStore } from '../sessions/ussd-session-store';
import type { LoadedSession, UssdSession, UssdTransport } from '../sessions/ussd-session';
import type { UssdAnswer, UssdEvent, UssdSessionEnd, UssdStepRequest, UssdStepResult } from './ussd-step';

/** The in-process lookup a dialog's CNIC goes to (VoterLookup). */
export interface DialogLookup {
  lookup(request: VoterLookupRequest): Promise<VoterLookupResult>;
}

/** Where "send this to me by SMS" goes: sms.mt.v1, acknowledged (BatchingPublisher). */
export interface MtPublisher {
  publish(records: OutgoingRecord[]): Promise<void>;
}

/** Counts for the service's metrics; every one optional. */
export interface UssdDialogsObserver {
  onStep?(operator: string, transport: UssdTransport, result: UssdStepResult, seconds: number): void;
  onBegun?(operator: string, transport: UssdTransport): void;
  onEnded?(operator: string, transport: UssdTransport, end: UssdSessionEnd): void;
  onSms?(operator: string, result: 'produced' | 'failed'): void;
  /** The session store could not be read or written (Redis): parchee_redis_errors_total{use="ussd_session"}. */
  onSessionStoreError?(err: unknown): void;
}

export interface UssdDialogsOptions {
  /** The peppers ingress would hash a CNIC under (current first, then PARCHEE_PEPPER_NEXT): the lookup picks the roll's. */
  peppers: readonly KeyedHasher[];
  /** Screen limits and the wrong inputs a screen takes (the link's, later); defaults as libs/ussd's. */
  menu?: MenuContext;
  /** How long a step holds its session against other copies of itself, ms: longer than any step takes. Default 3000. */
  claimMs?: number;
  /** How often a copy of a step that is being answered elsewhere looks for the answer, ms. Default 20. */
  claimPollMs?: number;
  /** How long an answer waits for its lookup's audit row, ms; past it the row is written after. Default 250. */
  auditWaitMs?: number;
  /** The short code "send by SMS" comes from. Default 8300. */
  smsShortCode?: string;
  /** How long that SMS stays worth sending, ms. Default 1 hour, as lookup's replies. */
  smsTtlMs?: number;
  /** Default sms.mt.v1. */
  mtTopic?: string;
  logger?: Logger;
  observer?: UssdDialogsObserver;
  /** Clock, for tests. */
  now?: () => number;
}

/** Thrown inside a step that cannot be answered from its session (the store away, a claim that never ends): answered busy. */
class StepUnanswerable extends Error {}

/**
 * The dialogs of the *8300# menu, whatever transport carries them (none is built yet): one call
 * per network step, answered with the screen to show. It holds no dialog in memory: each step
 * reads its session from the store (Redis, shared by every replica), steps the menu (libs/ussd),
 * performs what the menu asks (the lookup in-process, the SMS on sms.mt.v1, the language
 * remembered) and stores the new state, so any replica answers any step.
 *
 * A step is answered once, however often the network sends it:
 * - a copy of the step last answered (same transport step id, same event and input) gets the same
 *   screen again, from the session, with no second step of the menu, lookup or SMS;
 * - a copy arriving while the first is still being answered, on this replica or another, finds the
 *   session claimed by it (a compare-and-set on the session's revision takes the claim) and waits
 *   for its answer; a claim whose process died lapses after `claimMs` and is taken over;
 * - a step whose answer could not be stored (its claim lapsed and was taken) is answered anyway;
 *   the copy that took it over steps the menu from the state before it, so an SMS it sends again
 *   carries the same MT id, which egress sends once.
 * A session that cannot be read or stored (Redis away) is answered with the busy ending: there is
 * no dialog without the store.
 */
export class UssdDialogs {
  private readonly context: ResolvedMenuContext;
  private readonly claimMs: number;
  private readonly claimPollMs: number;
  private readonly auditWaitMs: number;
  private readonly smsShortCode: string;
  private readonly smsTtlMs: number;
  private readonly mtTopic: string;
  private readonly logger: Logger;
  private readonly observer: UssdDialogsObserver;
  private readonly now: () => number;
  private readonly hasher: KeyedHasher;

  constructor(
    private readonly store: UssdSessionStore,
    private readonly lookup: DialogLookup,
    private readonly sms: MtPublisher,
    private readonly options: UssdDialogsOptions,
  ) {
    if (options.peppers.length === 0) throw new Error('UssdDialogs needs the current pepper');
    this.hasher = options.peppers[0];
    this.context = resolveMenuContext(options.menu);
    this.claimMs = options.claimMs ?? 3000;
    this.claimPollMs = options.claimPollMs ?? 20;
    this.auditWaitMs = options.auditWaitMs ?? 250;
    this.smsShortCode = options.smsShortCode ?? '8300';
    this.smsTtlMs = options.smsTtlMs ?? 3600_000;
    this.mtTopic = options.mtTopic ?? Topics.MT;
    this.logger = options.logger ?? silentLogger;
    this.observer = options.observer ?? {};
    this.now = options.now ?? Date.now;
  }

  async step(request: UssdStepRequest): Promise<UssdAnswer> {
    const started = process.hrtime.bigint();
    const { operator, transport } = request;
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const { screen, result } = await this.answer(request);
      this.observer.onStep?.(operator, transport, result, seconds());
      return { text: screen.text, end: screen.end };
    } catch (err) {
      // A live screen gets an answer whatever went wrong; anything but the store is a bug, said loudly.
      if (!(err instanceof StepUnanswerable)) this.logger.error({ operator, transport, code: errorCode(err), err: (err as Error).message }, 'ussd step failed');
      this.observer.onStep?.(operator, transport, 'busy', seconds());
      // Nothing is known of the dialog, its language included: the busy ending in Urdu, the service's default.
      return this.ending('ur', 'busy');
    }
  }

  private async answer(request: UssdStepRequest): Promise<{ screen: Screen; result: UssdStepResult }> {
    const key = this.store.sessionKey(request.operator, request.transport, request.sessionId, request.msisdn);
    const event = request.event;
    const fingerprint = this.store.stepFingerprint(key, request.stepId, event.kind, event.kind === 'input' ? event.text : '');
    const token = randomUUID();
    const waitUntil = this.now() + this.claimMs + 2 * this.claimPollMs;
    for (;;) {
      // Each turn either answers or finds that another step changed the session meanwhile; a
      // session that keeps changing under this one for longer than a claim lasts is not answered.
      if (this.now() > waitUntil) throw new StepUnanswerable('the session kept changing under this step');
      const loaded = await this.load(key);
      const session = loaded.session;
      if (session?.last?.step === fingerprint) return { screen: session.last.screen, result: 'replayed' };
      if (session?.claim && session.claim.until > this.now()) {
        // Being answered elsewhere (this very step, most likely): wait for its answer, within the claim.
        await delay(this.claimPollMs);
        continue;
      }
      const continued = session !== null && event.kind !== 'begin' && decodable(session) !== null;
      if (session === null && (event.kind === 'abort' || event.kind === 'timeout')) {
        // Nothing to end here (it ended, lapsed, or never began on this service): the ending, nothing stored.
        return { screen: this.render(stepMenu(startMenu(null, this.context).state, { kind: event.kind }, this.context).state), result: 'answered' };
      }
      const claimed: UssdSession = continued
        ? { ...(session as UssdSession), claim: { step: fingerprint, by: token, until: this.now() + this.claimMs } }
        : {
            v: 1,
            dialog: randomUUID(),
            begunAt: request.receivedAt ?? this.now(),
            steps: 0,
            state: '',
            last: null,
            claim: { step: fingerprint, by: token, until: this.now() + this.claimMs },
          };
      const revision = await this.save(key, loaded.revision, claimed);
      if (revision === null) continue;
      return { screen: await this.perform(request, key, claimed, revision, continued, fingerprint), result: 'answered' };
    }
  }

  /** Steps the menu for the claimed session, does what it asks, stores the outcome; the screen to show. */
  private async perform(
    request: UssdStepRequest,
    key: string,
    claimed: UssdSession,
    revision: number,
    continued: boolean,
    fingerprint: string,
  ): Promise<Screen> {
    const { operator, transport } = request;
    const msisdnHash = this.hasher.msisdn(request.msisdn);
    const receivedAt = request.receivedAt ?? this.now();
    const n = claimed.steps + 1;
    let before: MenuState | null = null;
    let step: StepResult;
    if (continued) {
      before = decodeMenuState(claimed.state);
      step = stepMenu(before, menuEvent(request.event), this.context);
    } else {
      // A dial, or a step for a dialog this service does not hold (lapsed): the first screen.
      step = startMenu(await this.rememberedLanguage(msisdnHash), this.context);
      this.observer.onBegun?.(operator, transport);
    }

    while (step.screen === null) {
      const outcome = await this.lookUp(request, `${claimed.dialog}.${n}`, step.action.cnic);
      step = stepMenu(step.state, { kind: 'lookup_result', outcome }, this.context);
    }
    let state: MenuState = step.state;
    let screen: Screen = step.screen;
    if (step.action?.kind === 'send_sms') {
      if (!(await this.sendSms(request, msisdnHash, `${claimed.dialog}.${n}`, step.action, receivedAt))) {
        // The SMS could not be handed to Kafka: say so rather than promise it.
        state = { v: 1, at: 'ended', lang: step.action.lang, reason: 'busy' };
        screen = this.render(state);
      }
    } else if (step.action?.kind === 'remember_language') {
      await this.store.rememberLanguage(msisdnHash, step.action.lang).catch((err: unknown) => this.storeFailed(err, 'remember the language'));
    }
    if (state.at === 'ended' && before?.at !== 'ended') this.observer.onEnded?.(operator, transport, endOf(state));

    const answered: UssdSession = { ...claimed, steps: n, state: JSON.stringify(state), last: { step: fingerprint, screen }, claim: null };
    const stored = await this.store.save(key, revision, answered).catch((err: unknown) => {
      this.storeFailed(err, 'store a step');
      return null;
    });
    // Not stored: the claim lapsed and another copy took the step over, or Redis went away. The
    // citizen still gets this answer; the next step starts from what the store holds.
    if (stored === null) this.logger.warn({ operator, transport, step: n }, 'ussd step answered but not stored');
    return screen;
  }

  private async lookUp(request: UssdStepRequest, requestId: string, cnic: string): Promise<VoterLookupOutcome> {
    // Pseudonymised exactly as ingress does an SMS: the clear CNIC goes no further than this call.
    const parsed = moRequestFromText(cnic, this.options.peppers);
    if (parsed.kind !== 'lookup') return { kind: 'busy' };
    const result = await this.lookup.lookup({ requestId, operator: request.operator, msisdn: request.msisdn, channel: 'ussd', cnic: parsed.cnic });
    // The answer waits a little for its audit row (normally a few ms), never long: the screen is live.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([result.audited, new Promise<void>((resolve) => (timer = setTimeout(resolve, this.auditWaitMs)))]);
    clearTimeout(timer);
    return result.outcome;
  }

  /** One MT on sms.mt.v1, keyed as lookup's (the number's keyed hash), its id the dialog step's: a step sent again sends it once. */
  private async sendSms(request: UssdStepRequest, msisdnHash: Buffer, moId: string, action: SendSmsAction, receivedAt: number): Promise<boolean> {
    const now = this.now();
    const mt: MtMessageV1 = {
      v: 1,
      id: mtIdFor(moId),
      moId,
      operator: request.operator,
      msisdn: request.msisdn,
      shortCode: this.smsShortCode,
      text: action.text,
      lang: action.lang,
      kind: action.replyKind,
      moReceivedAt: receivedAt,
      createdAt: now,
      expiresAt: receivedAt + this.smsTtlMs,
    };
    try {
      await this.sms.publish([{ topic: this.mtTopic, key: KeyedHasher.text(msisdnHash), value: encodeMessage(mt) }]);
      this.observer.onSms?.(request.operator, 'produced');
      return true;
    } catch (err) {
      this.logger.error({ operator: request.operator, code: errorCode(err), err: (err as Error).message }, 'ussd SMS not produced; answering busy');
      this.observer.onSms?.(request.operator, 'failed');
      return false;
    }
  }

  private async rememberedLanguage(msisdnHash: Buffer): Promise<ReplyLanguage | null> {
    try {
      return await this.store.language(msisdnHash);
    } catch (err) {
      // Not knowing the language only costs the citizen the language menu.
      this.storeFailed(err, 'read the remembered language');
      return null;
    }
  }

  private async load(key: string): Promise<LoadedSession> {
    try {
      return await this.store.load(key);
    } catch (err) {
      this.storeFailed(err, 'read a session');
      throw new StepUnanswerable((err as Error).message);
    }
  }

  private async save(key: string, revision: number, session: UssdSession): Promise<number | null> {
    try {
      return await this.store.save(key, revision, session);
    } catch (err) {
      this.storeFailed(err, 'claim a session');
      throw new StepUnanswerable((err as Error).message);
    }
  }

  private storeFailed(err: unknown, what: string): void {
    this.logger.warn({ code: errorCode(err), err: (err as Error).message }, `ussd session store: could not ${what}`);
    this.observer.onSessionStoreError?.(err);
  }

  private ending(lang: ReplyLanguage, reason: 'busy'): UssdAnswer {
    const screen = this.render({ v: 1, at: 'ended', lang, reason });
    return { text: screen.text, end: screen.end };
  }

  /** The screen of a state that shows one (every state but `looking_up`). */
  private render(state: MenuState): Screen {
    const screen = renderScreen(state, this.context);
    if (screen === null) throw new Error(`state ${state.at} has no screen`);
    return screen;
  }
}

function menuEvent(event: UssdEvent): MenuEvent {
  switch (event.kind) {
    case 'input':
      return { kind: 'input', text: event.text };
    case 'abort':
    case 'timeout':
      return { kind: event.kind };
    case 'begin':
      throw new Error('a begin starts a dialog; it is not a menu event');
  }
}

/** The stored state, or null when it does not decode (an older format): the dialog then begins again. */
function decodable(session: UssdSession): MenuState | null {
  try {
    return decodeMenuState(session.state);
  } catch {
    return null;
  }
}

function endOf(state: Extract<MenuState, { at: 'ended' }>): UssdSessionEnd {
  return state.reason === 'abort' ? 'aborted' : state.reason === 'timeout' ? 'timed_out' : 'completed';
}
