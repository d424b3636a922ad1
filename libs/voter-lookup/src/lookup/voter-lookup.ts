import { setTimeout as delay } from 'node:timers/promises';
import type { CnicPseudonym } from '@parchee/contracts';
import { CodedError, errorCode, isRetriable } from '@parchee/errors';
import { silentLogger, type Logger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import type { GuardVerdict, SingleLookupGuard } from '@parchee/protection';
import type { ReplyInput, VoterDetails } from '@parchee/replies';
import { RollPepperMismatchError, type AuditChannel, type AuditRow } from '@parchee/roll';

/**
 * The roll as a one-citizen lookup sees it: RollReader implements it (one hash a call here). Given
 * the pepper id the hash was made with, it refuses it (PEPPER_MISMATCH, naming the active
 * version's pepper id) when the active version was keyed with another pepper.
 */
export interface VoterDirectory {
  lookup(hashes: Buffer[], options?: { pepperId?: string }): Promise<{ version: number | null; results: Map<string, VoterDetails | null> }>;
}

/** What a lookup came to: the reply an SMS lookup would render for it (`renderReply`), and what the USSD menu's `lookup_result` takes. */
export type VoterLookupOutcome = Extract<ReplyInput, { kind: 'found' | 'not_found' | 'busy' | 'rate_limited' | 'enumeration' }>;

export interface VoterLookupRequest {
  /** The audit row's `mo_id`: for a USSD lookup `<dialog id>.<step>`, unique per dialog step. */
  requestId: string;
  /** Operator link id, from our own configuration. */
  operator: string;
  /** Normalised MSISDN (923001234567): hashed here for the guard and the audit, never stored or logged. */
  msisdn: string;
  channel: AuditChannel;
  /**
   * The CNIC as keyed hashes under every pepper in use and its neighbourhood marks, exactly as
   * ingress makes them for an SMS (`moRequestFromText` in libs/requests): the clear CNIC never
   * reaches this lib.
   */
  cnic: CnicPseudonym;
}

export interface VoterLookupResult {
  outcome: VoterLookupOutcome;
  /** The roll version that answered a `found` or `not_found`; null when the roll was not read. */
  rollVersion: number | null;
  /**
   * Settles (never rejects) once the audit row is written, or its write failed (reported to
   * `onAuditError`): the caller decides how long an answer may wait for it.
   */
  audited: Promise<void>;
}

/** Where audit rows go: AuditWriter.record, which groups the rows of concurrent lookups into one INSERT. */
export interface VoterLookupAudit {
  write(rows: AuditRow[]): Promise<void>;
}

export interface VoterLookupOptions {
  /** Rate limits and anti-enumeration, on the state lookup's guard keeps: none when protection is off. */
  guard?: SingleLookupGuard;
  audit?: VoterLookupAudit;
  /** How long to keep retrying an unavailable roll before answering "busy", ms. Default 400: a live screen waits. */
  rollRetryDeadlineMs?: number;
  logger?: Logger;
  /** Once per refused lookup, for `parchee_requests_refused_total`. */
  onRefused?: (reason: Exclude<GuardVerdict, 'allow'>, operator: string) => void;
  /** An audit write failed; the answer stood. */
  onAuditError?: (err: unknown) => void;
  /** The audit row's time, for tests (the retry deadline runs on the real clock). */
  now?: () => number;
}

/**
 * One citizen's lookup, outside lookup's Kafka pipeline, for a service that must answer on the
 * spot (the USSD service): the request guard (`decideAlone`, so limits and anti-enumeration count
 * it with the number's SMS lookups), then the roll (Redis cache, then PostgreSQL, as lookup reads
 * it, with the hash made under the active version's pepper), then one audit row with its
 * channel. The same outcomes, in the same cases, as an SMS lookup gets: a refusal reads nothing of
 * the roll; no active version, or a roll that stays unavailable past the deadline, is "busy",
 * never "not registered".
 */
export class VoterLookup {
  private readonly rollRetryDeadlineMs: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  /** The pepper the active roll version was keyed with, as last seen; the current one at first. */
  private rollPepperId: string;

  /** `hasher`: the current pepper's (PARCHEE_PEPPER), which keys the guard's memory and the audit's MSISDN hashes. */
  constructor(
    private readonly directory: VoterDirectory,
    private readonly hasher: KeyedHasher,
    private readonly options: VoterLookupOptions = {},
  ) {
    this.rollPepperId = hasher.id;
    this.rollRetryDeadlineMs = options.rollRetryDeadlineMs ?? 400;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  async lookup(request: VoterLookupRequest): Promise<VoterLookupResult> {
    const msisdnHash = this.hasher.msisdn(request.msisdn);
    const { hashes, near } = request.cnic;
    // The guard's memory is keyed by the current pepper; any hash the request has will do otherwise.
    const guardHash = Buffer.from(hashes[this.hasher.id] ?? Object.values(hashes)[0], 'base64url');
    const verdict = this.options.guard
      ? await this.options.guard.decideAlone({ msisdn: request.msisdn, msisdnHash, operator: request.operator, cnicHash: guardHash, near })
      : 'allow';

    let outcome: VoterLookupOutcome;
    let rollVersion: number | null = null;
    let cnicHash: Buffer = guardHash;
    if (verdict !== 'allow') {
      this.options.onRefused?.(verdict, request.operator);
      outcome = { kind: verdict };
    } else {
      const read = await this.readRoll(hashes);
      if (read === null) outcome = { kind: 'busy' };
      else {
        cnicHash = read.hash;
        rollVersion = read.version;
        outcome = read.voter ? { kind: 'found', voter: read.voter } : { kind: 'not_found' };
      }
    }
    return { outcome, rollVersion, audited: this.writeAudit(request, msisdnHash, cnicHash, outcome, rollVersion) };
  }

  /**
   * The voter for the hash under the active version's pepper, or null ("busy") when the roll
   * stayed unavailable, no version is active, or the request has no hash under its pepper (an
   * ingress-style hasher without PARCHEE_PEPPER_NEXT during a rotation). A version keyed with
   * another pepper than expected is read again at once with the hash for that one.
   */
  private async readRoll(hashes: Record<string, string>): Promise<{ hash: Buffer; version: number; voter: VoterDetails | null } | null> {
    for (let attempt = 0; ; attempt++) {
      const pepperId = this.rollPepperId;
      const text = hashes[pepperId];
      if (text === undefined) {
        this.logger.error({ pepperId }, 'no CNIC hash under the roll’s pepper; answering busy (is PARCHEE_PEPPER_NEXT set?)');
        return null;
      }
      const hash = Buffer.from(text, 'base64url');
      try {
        const read = await this.readWithRetries(hash, pepperId);
        return read === null ? null : { hash, version: read.version, voter: read.results.get(text) ?? null };
      } catch (err) {
        const active = err instanceof RollPepperMismatchError ? err.activePepperId : undefined;
        if (attempt > 0 || active === undefined) {
          this.logger.error({ pepperId, err: (err as Error).message }, 'the roll’s pepper keeps changing; answering busy');
          return null;
        }
        this.logger.info({ from: pepperId, to: active }, 'the active roll version is keyed with another pepper; switching');
        this.rollPepperId = active;
      }
    }
  }

  /** Null when the roll stayed unavailable past the deadline; a pepper mismatch is thrown to the caller. */
  private async readWithRetries(hash: Buffer, pepperId: string): Promise<{ version: number; results: Map<string, VoterDetails | null> } | null> {
    const deadline = Date.now() + this.rollRetryDeadlineMs;
    let wait = 25;
    for (let attempt = 1; ; attempt++) {
      try {
        const { version, results } = await this.directory.lookup([hash], { pepperId });
        // No active roll means "we cannot say", never "you are not registered".
        if (version === null) throw new CodedError('NO_ACTIVE_ROLL', 'no roll version is active', { retriable: true });
        return { version, results };
      } catch (err) {
        if (err instanceof RollPepperMismatchError) throw err;
        // Retried unless the error says it never will succeed: one that does not say may be a blip.
        const retriable = isRetriable(err, true);
        this.logger.warn({ attempt, code: errorCode(err), err: (err as Error).message, retriable }, 'roll lookup failed');
        if (!retriable || Date.now() + wait > deadline) return null;
        await delay(wait);
        wait = Math.min(wait * 2, 200);
      }
    }
  }

  private async writeAudit(
    request: VoterLookupRequest,
    msisdnHash: Buffer,
    cnicHash: Buffer,
    outcome: VoterLookupOutcome,
    rollVersion: number | null,
  ): Promise<void> {
    const audit = this.options.audit;
    if (!audit) return;
    const refused = outcome.kind === 'rate_limited' || outcome.kind === 'enumeration';
    const row: AuditRow = {
      at: new Date(this.now()),
      moId: request.requestId,
      operator: request.operator,
      channel: request.channel,
      msisdnHash,
      cnicHash,
      // The reply kinds an SMS lookup's row would carry (renderReply's): a refusal is 'refused', with its reason.
      outcome: refused ? 'refused' : outcome.kind,
      refusal: refused ? outcome.kind : null,
      rollVersion,
    };
    try {
      await audit.write([row]);
    } catch (err) {
      this.logger.error(
        { code: errorCode(err), err: (err as Error).message, channel: request.channel },
        'audit write failed; the answer stood without its row',
      );
      this.options.onAuditError?.(err);
    }
  }
}
