import { setTimeout as delay } from 'node:timers/promises';
import { Topics, decodeMo, encodeMessage, mtIdFor, type MoMessageV1, type MtMessageV1 } from '@parchee/contracts';
import { deadLetterRecord, type ConsumedBatch, type OutgoingRecord } from '@parchee/messaging';
import { KeyedHasher } from '@parchee/privacy';
import type { AuditRow } from '@parchee/roll';
import { silentLogger, type Logger } from '@parchee/observability';
import { parseRequest } from '../request/request-parser';
import type { CitizenRequest } from '../request/citizen-request';
import { renderReply, type ReplyInput, type VoterDetails } from '../reply/reply-templates';
import type { GuardVerdict, RequestGuard } from '../protection/request-guard';

/** The roll as lookup sees it: batched, keyed by CNIC hashes. RollReader implements it. */
export interface VoterDirectory {
  lookup(hashes: Buffer[]): Promise<{ version: number | null; results: Map<string, VoterDetails | null> }>;
}

export interface LookupPipelineOptions {
  /** How long a reply stays worth sending, ms. Default 1 hour. */
  replyTtlMs?: number;
  /** How long to keep retrying an unavailable roll before answering "busy", ms. Default 5000. */
  rollRetryDeadlineMs?: number;
  logger?: Logger;
  /** Called once per reply with its kind and the MO-to-reply delay, for metrics. */
  onReply?: (kind: MtMessageV1['kind'], operator: string, lookupSeconds: number) => void;
  onDeadLetter?: (code: string) => void;
  /** Rate limits and anti-enumeration: a refused lookup gets a polite reply and never reads the roll. */
  guard?: RequestGuard;
  /** Called once per refused lookup, for metrics. */
  onRefused?: (reason: Exclude<GuardVerdict, 'allow'>, operator: string) => void;
  /** Topic the replies go to. Default sms.mt.v1; a benchmark points it elsewhere. */
  mtTopic?: string;
  /** The audit trail: one row per MO, written once per batch before the batch's replies are returned. */
  audit?: LookupAudit;
}

/**
 * Where audit rows go. `write` is awaited before `process` returns, so before the Kafka commit: a
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
  mo: MoMessageV1;
  key: string | null;
  request: CitizenRequest;
  hash?: Buffer;
  refused?: Exclude<GuardVerdict, 'allow'>;
}

/**
 * One Kafka batch of MOs in, one reply per MO out (plus dead letters for records that are not
 * MOs at all). The roll is read once per batch; the CNIC never leaves this function in clear.
 */
export class LookupPipeline {
  private readonly replyTtlMs: number;
  private readonly rollRetryDeadlineMs: number;
  private readonly logger: Logger;

  constructor(
    private readonly directory: VoterDirectory,
    private readonly hasher: Pick<KeyedHasher, 'cnic'>,
    private readonly options: LookupPipelineOptions = {},
  ) {
    this.replyTtlMs = options.replyTtlMs ?? 3600_000;
    this.rollRetryDeadlineMs = options.rollRetryDeadlineMs ?? 5000;
    this.logger = options.logger ?? silentLogger;
  }

  async process(batch: ConsumedBatch): Promise<OutgoingRecord[]> {
    const started = Date.now();
    const out: OutgoingRecord[] = [];
    const parsed: Parsed[] = [];
    for (const record of batch.records) {
      try {
        const mo = decodeMo(record.value);
        const request = parseRequest(mo.text);
        const entry: Parsed = { mo, key: record.key?.toString('utf8') ?? null, request };
        if (request.kind === 'lookup') entry.hash = this.hasher.cnic(request.cnic);
        parsed.push(entry);
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'UNHANDLED';
        this.logger.warn({ code, topic: record.topic, partition: record.partition, offset: record.offset }, 'dead-lettering an MO record');
        this.options.onDeadLetter?.(code);
        out.push(deadLetterRecord('lookup', record, code, (err as Error).message));
      }
    }

    await this.guard(parsed);
    const hashes = parsed.flatMap((p) => (p.hash && !p.refused ? [p.hash] : []));
    const read = hashes.length > 0 ? await this.readRoll(hashes, batch) : { version: null, results: new Map<string, VoterDetails | null>() };
    const found = read?.results ?? null;
    const audit: AuditRow[] = [];

    const now = Date.now();
    const lookupSeconds = (now - started) / 1000;
    for (const p of parsed) {
      const input = this.replyFor(p, found);
      const { text, kind } = renderReply(input, p.request.lang);
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
        audit.push({
          at: new Date(now),
          moId: p.mo.id,
          operator: p.mo.operator,
          msisdnHash: this.options.audit.hasher.msisdn(p.mo.msisdn),
          cnicHash: p.hash ?? null,
          outcome: kind,
          refusal: p.refused ?? null,
          rollVersion: readRoll ? (read?.version ?? null) : null,
        });
      }
    }
    if (this.options.audit && audit.length > 0) await this.writeAudit(this.options.audit, audit);
    return out;
  }

  private replyFor(p: Parsed, found: Map<string, VoterDetails | null> | null): ReplyInput {
    switch (p.request.kind) {
      case 'help':
        return { kind: 'help' };
      case 'invalid':
        return { kind: 'invalid', reason: p.request.reason };
      case 'lookup': {
        if (p.refused) return { kind: p.refused };
        if (found === null) return { kind: 'busy' };
        const voter = found.get(KeyedHasher.text(p.hash!));
        return voter ? { kind: 'found', voter } : { kind: 'not_found' };
      }
    }
  }

  private async guard(parsed: Parsed[]): Promise<void> {
    const guard = this.options.guard;
    const lookups = parsed.flatMap((p) => (p.hash && p.request.kind === 'lookup' ? [{ p, cnic: p.request.cnic, cnicHash: p.hash }] : []));
    if (!guard || lookups.length === 0) return;
    const verdicts = await guard.check(lookups.map(({ p, cnic, cnicHash }) => ({ msisdn: p.mo.msisdn, operator: p.mo.operator, cnic, cnicHash })));
    lookups.forEach(({ p }, i) => {
      const verdict = verdicts[i];
      if (verdict === undefined || verdict === 'allow') return;
      p.refused = verdict;
      this.options.onRefused?.(verdict, p.mo.operator);
    });
  }

  private async writeAudit(sink: LookupAudit, rows: AuditRow[]): Promise<void> {
    try {
      await sink.write(rows);
    } catch (err) {
      this.logger.error({ rows: rows.length, code: (err as { code?: string }).code, err: (err as Error).message }, 'audit write failed; replies sent without their audit rows');
      sink.onError?.(err, rows.length);
    }
  }

  /** Null when the roll stayed unavailable past the deadline: those citizens get "busy". */
  private async readRoll(hashes: Buffer[], batch: ConsumedBatch): Promise<{ version: number | null; results: Map<string, VoterDetails | null> } | null> {
    const deadline = Date.now() + this.rollRetryDeadlineMs;
    let wait = 100;
    for (let attempt = 1; ; attempt++) {
      try {
        const { version, results } = await this.directory.lookup(hashes);
        // No active roll means "we cannot say", never "you are not registered".
        if (version === null) throw Object.assign(new Error('no roll version is active'), { retriable: true });
        return { version, results };
      } catch (err) {
        const retriable = (err as { retriable?: boolean }).retriable !== false;
        this.logger.warn({ attempt, err: (err as Error).message, retriable }, 'roll lookup failed');
        if (!retriable || Date.now() + wait > deadline || !batch.isRunning()) return null;
        await delay(wait);
        await batch.heartbeat().catch(() => undefined);
        wait = Math.min(wait * 2, 1000);
      }
    }
  }
}
