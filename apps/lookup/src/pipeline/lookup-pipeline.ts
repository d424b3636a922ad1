import { setTimeout as delay } from 'node:timers/promises';
import { Topics, decodeMo, encodeMessage, mtIdFor, type MoMessageV2, type MoRequest, type MtMessageV1 } from '@parchee/contracts';
import { CodedError, errorCode, isRetriable } from '@parchee/errors';
import { DeadLetters, type ConsumedBatch, type OutgoingRecord, type ProcessedBatch } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import { RollPepperMismatchError, type AuditRow } from '@parchee/roll';
import { silentLogger, type Logger } from '@parchee/observability';
import { renderReply, type ReplyInput, type VoterDetails } from '@parchee/replies';
import type { GuardVerdict, GuardedLookup, RequestGuard } from '@parchee/protection';

/**
 * The roll as lookup sees it: batched, keyed by CNIC hashes. RollReader implements it. Given the
 * pepper id the hashes were made with, it refuses them (PEPPER_MISMATCH, naming the active
 * version's pepper id) when the active version was keyed with another pepper.
 */
export interface VoterDirectory {
  lookup(hashes: Buffer[], options?: { pepperId?: string }): Promise<{ version: number | null; results: Map<string, VoterDetails | null> }>;
}

export interface LookupPipelineOptions {
  /** How long a reply stays worth sending, ms. Default 1 hour. */
  replyTtlMs?: number;
  /** How long to keep retrying an unavailable roll before answering "busy", ms. Default 5000. */
  rollRetryDeadlineMs?: number;
  logger?: Logger;
  /** Called once per reply with its kind and the MO-to-reply delay, for metrics. */
  onReply?: (kind: MtMessageV1['kind'], operator: string, lookupSeconds: number) => void;
  /** Where records that are not MOs go (in the batch's transaction, with the replies). Default: uncounted letters. */
  deadLetters?: Pick<DeadLetters, 'letter'>;
  /** Rate limits and anti-enumeration: a refused lookup gets a polite reply and never reads the roll. */
  guard?: RequestGuard;
  /**
   * The loop breaker: help and not-understood replies a number has had too many of are withheld
   * (no MT at all). A lookup never goes through it.
   */
  replyCap?: ReplyCap;
  /** Called once per refused lookup, and once per withheld reply ('muted'), for metrics. */
  onRefused?: (reason: Refusal, operator: string) => void;
  /** Topic the replies go to. Default sms.mt.v1; a benchmark points it elsewhere. */
  mtTopic?: string;
  /** The audit trail: one row per MO, written once per batch, finished before the batch commits. */
  audit?: LookupAudit;
}

/** Why an MO got a refusal instead of its answer, or ('muted') no reply at all. */
export type Refusal = Exclude<GuardVerdict, 'allow'> | 'muted';

/** Decides, for a batch's help and invalid requests in order, which replies to withhold. */
export interface ReplyCap {
  mute(requests: ReadonlyArray<{ msisdn: string; msisdnHash?: Buffer }>): Promise<boolean[]>;
}

/**
 * Where audit rows go. `write` is finished before the batch's Kafka commit (through `process`'s
 * `beforeCommit`, awaited by the transaction while the replies are produced): a
 * request is audited at least once (a batch retried after a crash is audited again, same mo_id).
 * A failed write is reported to `onError` and the replies still go out: a citizen's answer
 * matters more than its audit row, and a database outage must not stop lookups served from Redis.
 */
export interface LookupAudit {
  hasher: Pick<KeyedHasher, 'msisdn'>;
  write(rows: AuditRow[]): Promise<void>;
  onError?: (err: unknown, rows: number) => void;
}

interface Parsed {
  mo: MoMessageV2;
  key: string | null;
  request: MoRequest;
  /** The CNIC hash the roll was read with (or would have been), for the reply and the audit. */
  hash?: Buffer;
  /** KeyedHasher.msisdn of the sender, made once for the guard and the audit row. */
  msisdnHash?: Buffer;
  refused?: Exclude<GuardVerdict, 'allow'>;
  /** The loop breaker withheld this help or invalid reply: no MT goes out. */
  muted?: boolean;
}

/** A batch read of the roll: null results when it stayed unavailable past the deadline. */
interface RollRead {
  version: number | null;
  results: Map<string, VoterDetails | null> | null;
}

/**
 * One Kafka batch of MOs in, one reply per MO out (plus dead letters for records that are not
 * MOs at all). The roll is read once per batch. Ingress has already parsed each text and hashed
 * its CNIC: this service never sees a CNIC in clear.
 */
export class LookupPipeline {
  private readonly replyTtlMs: number;
  private readonly rollRetryDeadlineMs: number;
  private readonly logger: Logger;
  private readonly deadLetters: Pick<DeadLetters, 'letter'>;

  /** The pepper the active roll version was keyed with, as last seen; the lookup's own at first. */
  private rollPepperId: string;

  /** `pepperId`: the id of the lookup's current pepper (KeyedHasher.id). */
  constructor(
    private readonly directory: VoterDirectory,
    private readonly pepperId: string,
    private readonly options: LookupPipelineOptions = {},
  ) {
    this.rollPepperId = pepperId;
    this.replyTtlMs = options.replyTtlMs ?? 3600_000;
    this.rollRetryDeadlineMs = options.rollRetryDeadlineMs ?? 5000;
    this.logger = options.logger ?? silentLogger;
    this.deadLetters = options.deadLetters ?? new DeadLetters('lookup', { logger: this.logger });
  }

  /**
   * The replies as soon as they are rendered, with the writes that must be done before the batch
   * commits (its audit rows, the guard's memory of it) already under way in `beforeCommit`: the
   * transactional processor sends the replies meanwhile and waits for them before committing.
   * `beforeCommit` never rejects: a failed write is reported (audit.onError, the guard's
   * onFailOpen) and the replies still go, as documented on LookupAudit.
   */
  async process(batch: ConsumedBatch): Promise<ProcessedBatch> {
    const started = Date.now();
    const out: OutgoingRecord[] = [];
    const parsed: Parsed[] = [];
    for (const record of batch.records) {
      try {
        const mo = decodeMo(record.value);
        parsed.push({ mo, key: record.key?.toString('utf8') ?? null, request: mo.request });
      } catch (err) {
        out.push(this.deadLetters.letter(record, errorCode(err), (err as Error).message));
      }
    }

    const [{ stored: guardStored }] = await Promise.all([this.guard(parsed), this.capReplies(parsed)]);
    const read = await this.readRoll(parsed, batch);
    const found = read.results;
    const audit: AuditRow[] = [];

    const now = Date.now();
    const lookupSeconds = (now - started) / 1000;
    for (const p of parsed) {
      const input = this.replyFor(p, found);
      const { text, kind } = renderReply(input, p.request.lang);
      if (p.muted) {
        this.options.onRefused?.('muted', p.mo.operator);
        if (this.options.audit) audit.push(this.auditRow(p, this.options.audit, now, kind, 'muted', null));
        continue;
      }
      const mt: MtMessageV1 = {
        v: 1,
        id: mtIdFor(p.mo.id),
        moId: p.mo.id,
        operator: p.mo.operator,
        msisdn: p.mo.msisdn,
        shortCode: p.mo.shortCode,
        text,
        lang: p.request.lang,
        kind,
        moReceivedAt: p.mo.receivedAt,
        createdAt: now,
        expiresAt: p.mo.receivedAt + this.replyTtlMs,
      };
      out.push({ topic: this.options.mtTopic ?? Topics.MT, key: p.key, value: encodeMessage(mt) });
      this.options.onReply?.(kind, p.mo.operator, lookupSeconds);
      if (this.options.audit) {
        const readRoll = input.kind === 'found' || input.kind === 'not_found';
        audit.push(this.auditRow(p, this.options.audit, now, kind, p.refused ?? null, readRoll ? read.version : null));
      }
    }
    const audited = this.options.audit && audit.length > 0 ? this.writeAudit(this.options.audit, audit) : undefined;
    const pending = [guardStored, audited].filter((p): p is Promise<void> => p !== undefined);
    return { records: out, beforeCommit: pending.length === 0 ? undefined : Promise.all(pending).then(() => undefined) };
  }

  private replyFor(p: Parsed, found: Map<string, VoterDetails | null> | null): ReplyInput {
    switch (p.request.kind) {
      case 'help':
        return { kind: 'help' };
      case 'invalid':
        return { kind: 'invalid', reason: p.request.reason };
      case 'lookup': {
        if (p.refused) return { kind: p.refused };
        if (found === null || !p.hash) return { kind: 'busy' };
        const voter = found.get(KeyedHasher.text(p.hash));
        return voter ? { kind: 'found', voter } : { kind: 'not_found' };
      }
    }
  }

  /**
   * Sets each lookup's verdict; hands back the guard's write-back of the batch's memory, when the
   * guard was asked (wrapped: an async function returning a bare promise would wait for it).
   */
  private async guard(parsed: Parsed[]): Promise<{ stored?: Promise<void> }> {
    const guard = this.options.guard;
    const lookups = parsed.flatMap((p) => {
      if (p.request.kind !== 'lookup') return [];
      const { hashes, near } = p.request.cnic;
      // The guard's memory is keyed by the lookup's own pepper; any hash the MO has will do otherwise.
      p.hash = Buffer.from(hashes[this.pepperId] ?? Object.values(hashes)[0], 'base64url');
      return [{ p, lookup: { msisdn: p.mo.msisdn, operator: p.mo.operator, cnicHash: p.hash, near } as GuardedLookup }];
    });
    if (!guard || lookups.length === 0) return {};
    // The audit's hasher holds the same pepper as the guard's: hash each number once for both.
    const hasher = this.options.audit?.hasher;
    if (hasher) for (const { p, lookup } of lookups) lookup.msisdnHash = this.msisdnHashOf(p, hasher);
    const requests = lookups.map(({ lookup }) => lookup);
    // decide(): the verdicts now, the memory's write-back overlapping the roll read and the produce.
    const { verdicts, stored } = await guard.decide(requests);
    lookups.forEach(({ p }, i) => {
      const verdict = verdicts[i];
      if (verdict === undefined || verdict === 'allow') return;
      p.refused = verdict;
      this.options.onRefused?.(verdict, p.mo.operator);
    });
    return { stored };
  }

  /**
   * Marks the help and invalid requests whose reply the loop breaker withholds. Its failures are
   * its own (it fails open): every reply then goes out.
   */
  private async capReplies(parsed: Parsed[]): Promise<void> {
    const cap = this.options.replyCap;
    if (!cap) return;
    const capped = parsed.filter((p) => p.request.kind !== 'lookup');
    if (capped.length === 0) return;
    const hasher = this.options.audit?.hasher;
    const muted = await cap.mute(capped.map((p) => ({ msisdn: p.mo.msisdn, msisdnHash: hasher ? this.msisdnHashOf(p, hasher) : undefined })));
    capped.forEach((p, i) => {
      if (muted[i]) p.muted = true;
    });
  }

  private auditRow(p: Parsed, sink: LookupAudit, now: number, kind: MtMessageV1['kind'], refusal: string | null, rollVersion: number | null): AuditRow {
    return {
      at: new Date(now),
      moId: p.mo.id,
      operator: p.mo.operator,
      channel: 'sms',
      msisdnHash: this.msisdnHashOf(p, sink.hasher),
      cnicHash: p.hash ?? null,
      outcome: kind,
      refusal,
      rollVersion,
    };
  }

  private msisdnHashOf(p: Parsed, hasher: Pick<KeyedHasher, 'msisdn'>): Buffer {
    return (p.msisdnHash ??= hasher.msisdn(p.mo.msisdn));
  }

  private async writeAudit(sink: LookupAudit, rows: AuditRow[]): Promise<void> {
    try {
      await sink.write(rows);
    } catch (err) {
      this.logger.error({ rows: rows.length, code: errorCode(err), err: (err as Error).message }, 'audit write failed; replies sent without their audit rows');
      sink.onError?.(err, rows.length);
    }
  }

  /**
   * Reads the roll for the batch's allowed lookups, with the hashes made under the pepper the
   * active version was keyed with. A version keyed with another pepper than expected (a rotation
   * just switched it) is answered with the error naming its pepper, and read again at once with
   * the hashes for that one; an MO that has no hash under it gets "busy" (its ingress does not
   * hold the roll's pepper: a misconfigured rotation, logged loudly).
   */
  private async readRoll(parsed: Parsed[], batch: ConsumedBatch): Promise<RollRead> {
    const wanted = parsed.filter((p) => p.request.kind === 'lookup' && !p.refused);
    if (wanted.length === 0) return { version: null, results: new Map() };
    for (let attempt = 0; ; attempt++) {
      const pepperId = this.rollPepperId;
      const hashes: Buffer[] = [];
      let unkeyed = 0;
      for (const p of wanted) {
        const text = p.request.kind === 'lookup' ? p.request.cnic.hashes[pepperId] : undefined;
        p.hash = text === undefined ? undefined : Buffer.from(text, 'base64url');
        if (p.hash) hashes.push(p.hash);
        else unkeyed++;
      }
      if (unkeyed > 0)
        this.logger.error(
          { pepperId, mos: unkeyed },
          'MOs carry no CNIC hash under the roll’s pepper; answering busy (is PARCHEE_PEPPER_NEXT set on every ingress?)',
        );
      if (hashes.length === 0) return { version: null, results: null };
      try {
        return await this.readWithRetries(hashes, pepperId, batch);
      } catch (err) {
        const active = err instanceof RollPepperMismatchError ? err.activePepperId : undefined;
        if (attempt > 0 || active === undefined) {
          this.logger.error({ pepperId, err: (err as Error).message }, 'the roll’s pepper keeps changing under the batch; answering busy');
          return { version: null, results: null };
        }
        this.logger.info({ from: pepperId, to: active }, 'the active roll version is keyed with another pepper; switching');
        this.rollPepperId = active;
      }
    }
  }

  /** Null results when the roll stayed unavailable past the deadline: those citizens get "busy". */
  private async readWithRetries(hashes: Buffer[], pepperId: string, batch: ConsumedBatch): Promise<RollRead> {
    const deadline = Date.now() + this.rollRetryDeadlineMs;
    let wait = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        const { version, results } = await this.directory.lookup(hashes, { pepperId });
        // No active roll means "we cannot say", never "you are not registered".
        if (version === null) throw new CodedError('NO_ACTIVE_ROLL', 'no roll version is active', { retriable: true });
        return { version, results };
      } catch (err) {
        if (err instanceof RollPepperMismatchError) throw err;
        // Retried unless the error says it never will succeed: one that does not say may be a blip.
        const retriable = isRetriable(err, true);
        this.logger.warn({ attempt, err: (err as Error).message, retriable }, 'roll lookup failed');
        if (!retriable || Date.now() + wait > deadline || !batch.isRunning()) return { version: null, results: null };
        await delay(wait);
        await batch.heartbeat().catch(() => undefined);
        wait = Math.min(wait * 2, 1000);
      }
    }
  }
}
