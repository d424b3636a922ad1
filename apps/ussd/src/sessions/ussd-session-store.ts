import type { ReplyLanguage } from '@parchee/contracts';
import { KeyedHasher, SealingKey } from '@parchee/privacy';
import { RedisKeys } from '@parchee/redis';
import { nextRevision, type SessionCells } from './session-cells';
import { SessionKeys } from './session-keys';
import type { LoadedSession, UssdSession, UssdTransport } from './ussd-session';

/** The label of the sessions' sealing key (HKDF from the pepper, SealingKey): its own key, never the MO parts'. */
export const USSD_SESSION_SEALING_LABEL = 'parchee-ussd-session-v1';

export interface UssdSessionStoreOptions {
  /** How long a session lives after its last step: the network's session limit, ms. */
  sessionTtlMs: number;
  /** How long a number's chosen language is remembered after it last chose, ms. */
  languageTtlMs: number;
  /** Default `RedisKeys.USSD`; the specs give each run its own. */
  keyPrefix?: string;
}

const LANGUAGES: ReadonlySet<string> = new Set<ReplyLanguage>(['ur', 'en']);

/**
 * The dialogs, shared by every replica of the USSD service so that any replica answers any step
 * (issue 18 item 3), and the language each number chose last. Layout: RedisKeys.USSD.
 *
 * - A session's key is a keyed hash of operator, transport, session id and number (SessionKeys):
 *   never a clear number, nor a session id that may hold one.
 * - Its value is the whole UssdSession sealed with AES-256-GCM under a key derived from the pepper
 *   (SealingKey, label USSD_SESSION_SEALING_LABEL), bound to its key: after a lookup the menu
 *   state holds the voter's details. A value copied to another key does not open.
 * - It is written only by a compare-and-set on its revision (`save`), so two replicas stepping one
 *   dialog at once cannot both win; UssdDialogs builds its claims and replays on that.
 * - A language is `ur` or `en` under a keyed hash of the number (KeyedHasher.msisdn: the same
 *   hash as the guard's and the audit's).
 *
 * Sessions written under one pepper do not open under another: across a pepper change a dialog in
 * progress starts again, and a number's language is asked again.
 */
export class UssdSessionStore {
  private readonly prefix: string;
  private readonly keys: SessionKeys;
  private readonly sealing: SealingKey;

  constructor(
    private readonly cells: SessionCells,
    pepper: string,
    private readonly options: UssdSessionStoreOptions,
  ) {
    this.prefix = options.keyPrefix ?? RedisKeys.USSD;
    this.keys = new SessionKeys(pepper);
    this.sealing = SealingKey.fromPepper(pepper, USSD_SESSION_SEALING_LABEL);
  }

  /** The session's Redis key. */
  sessionKey(operator: string, transport: UssdTransport, sessionId: string, msisdn: string): string {
    return `${this.prefix}session:${this.keys.session(operator, transport, sessionId, msisdn)}`;
  }

  /** A step's fingerprint in the session at `key` (see SessionKeys.step). */
  stepFingerprint(key: string, stepId: string, kind: string, text: string): string {
    return this.keys.step(key, stepId, kind, text);
  }

  async load(key: string): Promise<LoadedSession> {
    const { revision, value } = await this.cells.read(key);
    if (value === null) return { revision, session: null, unreadable: false };
    try {
      const plain = this.sealing.open(Buffer.from(value, 'base64'), key).toString('utf8');
      return { revision, session: checkSession(JSON.parse(plain)), unreadable: false };
    } catch {
      return { revision, session: null, unreadable: true };
    }
  }

  /**
   * Stores `session` if the key is still at `revision` (as loaded): its new revision, or null when
   * another step got there first. Each save starts the session's time to live again.
   */
  async save(key: string, revision: number, session: UssdSession): Promise<number | null> {
    const sealed = this.sealing.seal(Buffer.from(JSON.stringify(session), 'utf8'), key).toString('base64');
    return (await this.cells.compareAndSet(key, revision, sealed, this.options.sessionTtlMs)) ? nextRevision(revision) : null;
  }

  /** The language `msisdnHash` (KeyedHasher.msisdn) chose last, if it is still remembered. */
  async language(msisdnHash: Buffer): Promise<ReplyLanguage | null> {
    const value = await this.cells.get(this.languageKey(msisdnHash));
    return value !== null && LANGUAGES.has(value) ? (value as ReplyLanguage) : null;
  }

  async rememberLanguage(msisdnHash: Buffer, lang: ReplyLanguage): Promise<void> {
    await this.cells.set(this.languageKey(msisdnHash), lang, this.options.languageTtlMs);
  }

  private languageKey(msisdnHash: Buffer): string {
    return `${this.prefix}lang:${KeyedHasher.text(msisdnHash)}`;
  }
}

/** A stored session read back, checked field by field: anything else is unreadable, not misread. */
function checkSession(value: unknown): UssdSession {
  const o = value as Partial<UssdSession> | null;
  const fail = (what: string): never => {
    throw new Error(`ussd session: ${what}`);
  };
  if (typeof o !== 'object' || o === null || o.v !== 1) return fail('unsupported version');
  if (typeof o.dialog !== 'string' || typeof o.state !== 'string') return fail('no dialog or state');
  if (!Number.isInteger(o.steps) || !Number.isFinite(o.begunAt)) return fail('no step count or start');
  const { last, claim } = o;
  if (
    last !== null &&
    (typeof last !== 'object' || typeof last?.step !== 'string' || typeof last.screen?.text !== 'string' || typeof last.screen.end !== 'boolean')
  )
    return fail('bad last step');
  if (claim !== null && (typeof claim !== 'object' || typeof claim?.step !== 'string' || typeof claim.by !== 'string' || !Number.isFinite(claim.until)))
    return fail('bad claim');
  return o as UssdSession;
}
