import { setTimeout as delay } from 'node:timers/promises';
import type { MtMessageV1 } from '@parchee/contracts';
import { errorCode, isRetriable } from '@parchee/errors';
import { CommandStatus, SmppCommandError, SmppError, commandStatusName, segmentForSms, type SegmentationMode, type SmsSegment } from '@parchee/smpp';
import { preferredReference, type ConcatReferences } from './concat-references';
import { submitRetryDelayMs } from './submit-backoff';
import { DEFAULT_SUBMIT_PROFILE, MIN_VALIDITY_MS, formatDestination, validityPeriod, type SubmitProfile } from './submit-profile';

/** What egress needs of a sending bind. EsmeClient implements it. */
export interface Transmitter {
  readonly isBound: boolean;
  submitSm(fields: {
    serviceType: string;
    sourceAddr: string;
    sourceAddrTon: number;
    sourceAddrNpi: number;
    destinationAddr: string;
    destAddrTon: number;
    destAddrNpi: number;
    esmClass: number;
    dataCoding: number;
    registeredDelivery: number;
    shortMessage: Buffer;
    tlvs: Array<{ tag: number; value: Buffer }>;
    /** SMPP time after which the SMSC drops the message undelivered; unset, the SMSC's default. */
    validityPeriod?: string;
  }): Promise<{ messageId: string }>;
}

export interface TransmitterDirectory {
  /** A bound transmitter of that operator, or null while none is up. */
  pick(operator: string): Transmitter | null;
  segmentation(operator: string): SegmentationMode;
  /** The operator's submit profile (its link's `submit:` block); a directory without one sends with the defaults. */
  profile?(operator: string): SubmitProfile;
  knows(operator: string): boolean;
}

/**
 * Where each part accepted by the SMSC is reported, as its submit_sm_resp arrives: egress remembers
 * the message id so the part's delivery receipt can be matched (RedisMessageIdMap). Called without
 * waiting, between one part and the next: it must neither block nor throw.
 */
export interface SubmittedPartSink {
  /**
   * `part` is 1-based, out of `parts`; `validityMs` is the validity_period the part was sent with:
   * after it the SMSC sends no receipt but the final EXPIRED one.
   */
  submitted(mt: MtMessageV1, messageId: string, part: number, parts: number, validityMs: number): void;
}

/** How far a multipart MT got: the reference its parts carry and how many the SMSC accepted. */
export interface MtProgress {
  reference: number;
  /** Parts accepted, from the first: the next to send is number `accepted + 1`. */
  accepted: number;
  parts: number;
}

/** Where the progress of a multipart MT is kept (the sent-ledger), so a re-read resumes it. */
export interface MtProgressSink {
  /** Told after each accepted part of a multipart MT but its last, without waiting: it must neither block nor throw. */
  accepted(mtId: string, progress: MtProgress): void;
}

/** What the caller knows of an MT beyond its message. */
export interface SendContext {
  /** The destination as a keyed hash (the MT's Kafka key): concatenation references are held per destination. */
  destination?: string | null;
  /** Where an earlier attempt stopped (from the sent-ledger): the MT goes on from there. */
  progress?: MtProgress;
}

/**
 * `messageIds` are those of the parts sent by this call; `resumedAt` (1-based) is the part it
 * started from when an earlier attempt had sent the ones before.
 */
export type SendResult =
  | { outcome: 'sent'; messageIds: string[]; parts: number; resumedAt?: number }
  | { outcome: 'rejected'; code: string; reason: string }
  | { outcome: 'deferred'; reason: string };

export interface MtSenderOptions {
  /** Give up retrying temporary failures after this long; the MT is then deferred (batch not committed). */
  retryDeadlineMs: number;
  onRetry?: (operator: string, reason: string) => void;
  /** Told of each part's submit_sm_resp as it arrives; egress maps the message id for receipts. */
  submittedParts?: SubmittedPartSink;
  /** Where multipart MTs are given their concatenation reference; without it, each MT's own (preferredReference). */
  references?: ConcatReferences;
  /** Told how far each multipart MT got, part by part, so a re-read can resume it. */
  progress?: MtProgressSink;
  /**
   * Paces submit_sm to the operator's TPS: one slot per part, taken before it is sent; told when
   * the SMSC throttles us, so the whole link slows down, not just this MT.
   */
  throttle?: { take(operator: string): Promise<void>; throttled?(operator: string): Promise<void> };
  /** Shortest pause after ESME_RTHROTTLED or ESME_RMSGQFUL, ms. Default 1000. */
  throttledBackoffMs?: number;
  /** Injectable for tests: the pause between retries, the clock and the jitter source. */
  sleep?: (ms: number) => Promise<unknown>;
  now?: () => number;
  random?: () => number;
}

/**
 * Sends one MT, all its parts in order, with the fields its operator's submit profile names.
 * Temporary failures (throttling, a full queue, a lost bind, a timeout, a status the operator
 * declares temporary) are retried with backoff and resume at the failed part; permanent ones
 * (a bad address) reject the MT so it can be dead-lettered with its reason.
 *
 * A multipart MT's concatenation reference is a hash of its id, moved on to the next free value
 * when another MT to the same number holds it (ConcatReferences): no per-process counter, so
 * replicas and restarts never hand one number two concurrent replies with one reference. Each
 * accepted part but the last is reported to the progress sink; an MT handed back with its
 * progress goes on from the first part not accepted, with the same reference, so the handset
 * joins the parts sent before with those sent now.
 */
export class MtSender {
  constructor(
    private readonly transmitters: TransmitterDirectory,
    private readonly options: MtSenderOptions,
  ) {}

  async send(mt: MtMessageV1, context: SendContext = {}): Promise<SendResult> {
    if (!this.transmitters.knows(mt.operator)) {
      return { outcome: 'rejected', code: 'UNKNOWN_OPERATOR', reason: `no link configured for operator ${mt.operator}` };
    }
    const profile = this.transmitters.profile?.(mt.operator) ?? DEFAULT_SUBMIT_PROFILE;
    const destinationAddr = formatDestination(mt.msisdn, profile.destFormat);
    if (destinationAddr === null) {
      return { outcome: 'rejected', code: 'UNFORMATTABLE_DESTINATION', reason: `the number has no country code to write it as ${profile.destFormat}` };
    }
    const { dataCoding, segments, reference, first } = await this.plan(mt, context, profile);
    const messageIds: string[] = [];
    const now = this.options.now ?? Date.now;
    const deadline = now() + this.options.retryDeadlineMs;
    let attempt = 0;
    let part = first;
    while (part < segments.length) {
      const transmitter = this.transmitters.pick(mt.operator);
      try {
        if (!transmitter) throw new SmppError('NOT_BOUND', `no bound transmitter for ${mt.operator}`, { retriable: true });
        // Retries can outlive the reply; a reply not started by then is dead-lettered, not sent late.
        if (part === 0 && mt.expiresAt <= now()) return { outcome: 'rejected', code: 'EXPIRED', reason: 'reply expired while retrying' };
        await this.options.throttle?.take(mt.operator);
        const segment = segments[part];
        const validityMs = Math.max(MIN_VALIDITY_MS, mt.expiresAt - now());
        const resp = await transmitter.submitSm({
          serviceType: profile.serviceType,
          sourceAddr: mt.shortCode,
          sourceAddrTon: profile.sourceTon,
          sourceAddrNpi: profile.sourceNpi,
          destinationAddr,
          destAddrTon: profile.destTon,
          destAddrNpi: profile.destNpi,
          esmClass: segment.esmClass,
          dataCoding,
          registeredDelivery: profile.registeredDelivery,
          shortMessage: segment.shortMessage,
          tlvs: segment.tlvs,
          validityPeriod: validityPeriod(profile.validity, mt.expiresAt, now()),
        });
        messageIds.push(resp.messageId);
        this.options.submittedParts?.submitted(mt, resp.messageId, part + 1, segments.length, validityMs);
        part++;
        // The last part's record is the sent mark that follows.
        if (part < segments.length) this.options.progress?.accepted(mt.id, { reference, accepted: part, parts: segments.length });
        attempt = 0;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        const commandStatus = err instanceof SmppCommandError ? err.commandStatus : undefined;
        // Retried unless the error says it never will succeed (a bad address, an expired
        // validity...) and the operator does not declare that status temporary.
        const declaredTemporary = commandStatus !== undefined && profile.retriableStatuses.has(commandStatus);
        if (!declaredTemporary && !isRetriable(err, true)) {
          return { outcome: 'rejected', code: errorCode(err, 'SUBMIT_REJECTED'), reason };
        }
        this.options.onRetry?.(mt.operator, commandStatus === undefined ? errorCode(err, 'ERROR') : commandStatusName(commandStatus));
        if (commandStatus === CommandStatus.ESME_RTHROTTLED) void this.options.throttle?.throttled?.(mt.operator);
        // A full message queue at the SMSC clears no faster than throttling does.
        const slowDown = commandStatus === CommandStatus.ESME_RTHROTTLED || commandStatus === CommandStatus.ESME_RMSGQFUL;
        const wait = submitRetryDelayMs(attempt++, slowDown, {
          throttledMinMs: this.options.throttledBackoffMs ?? 1000,
          random: this.options.random ?? Math.random,
        });
        if (now() + wait > deadline) return { outcome: 'deferred', reason };
        await (this.options.sleep ?? delay)(wait);
      }
    }
    return first > 0 ? { outcome: 'sent', messageIds, parts: segments.length, resumedAt: first + 1 } : { outcome: 'sent', messageIds, parts: segments.length };
  }

  /**
   * The MT's parts, their reference and the first part to send. A single part needs no reference
   * and costs no round trip. An MT whose earlier attempt stopped part-way goes on with that
   * attempt's reference, unless it now splits into another number of parts (the link's
   * segmentation changed): then the parts sent before cannot be joined, and it starts over.
   */
  private async plan(
    mt: MtMessageV1,
    context: SendContext,
    profile: SubmitProfile,
  ): Promise<{ dataCoding: number; segments: SmsSegment[]; reference: number; first: number }> {
    const mode = this.transmitters.segmentation(mt.operator);
    // One look-alike (’ – a no-break space) in a roll name would otherwise send an English reply as UCS-2: 70 characters a part, not 160.
    const split = (reference: number) => segmentForSms(mt.text, { reference, mode, gsm7LookAlikes: true, defaultAlphabet: profile.dataCoding0 });
    const modulo = mode === 'udh8' ? 256 : 65536;
    const progress = context.progress;
    const own = preferredReference(mt.id, modulo);
    const start = progress !== undefined && progress.reference < modulo ? progress.reference : own;
    const first = split(start);
    if (first.segments.length === 1) return { ...first, reference: start, first: 0 };
    const resumes = progress !== undefined && start === progress.reference && progress.parts === first.segments.length && progress.accepted < progress.parts;
    const preferred = resumes ? start : own;
    // A resumed MT asks too, so its reference stays held while its last parts go out; it keeps
    // its reference whatever the answer, as the handset already holds parts with it.
    const held = this.options.references
      ? await this.options.references.reserve({ destination: context.destination ?? null, mtId: mt.id, preferred, modulo })
      : preferred;
    const reference = resumes ? start : held;
    const segmented = reference === start ? first : split(reference);
    return { ...segmented, reference, first: resumes ? progress.accepted : 0 };
  }
}
