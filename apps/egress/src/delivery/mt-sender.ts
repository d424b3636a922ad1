import { setTimeout as delay } from 'node:timers/promises';
import type { MtMessageV1 } from '@parchee/contracts';
import { errorCode, isRetriable } from '@parchee/errors';
import { CommandStatus, SmppCommandError, SmppError, commandStatusName, segmentForSms, type SegmentationMode } from '@parchee/smpp';
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

export type SendResult =
  { outcome: 'sent'; messageIds: string[]; parts: number } | { outcome: 'rejected'; code: string; reason: string } | { outcome: 'deferred'; reason: string };

export interface MtSenderOptions {
  /** Give up retrying temporary failures after this long; the MT is then deferred (batch not committed). */
  retryDeadlineMs: number;
  onRetry?: (operator: string, reason: string) => void;
  /** Told of each part's submit_sm_resp as it arrives; egress maps the message id for receipts. */
  submittedParts?: SubmittedPartSink;
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
 */
export class MtSender {
  private references = new Map<string, number>();

  constructor(
    private readonly transmitters: TransmitterDirectory,
    private readonly options: MtSenderOptions,
  ) {}

  async send(mt: MtMessageV1): Promise<SendResult> {
    if (!this.transmitters.knows(mt.operator)) {
      return { outcome: 'rejected', code: 'UNKNOWN_OPERATOR', reason: `no link configured for operator ${mt.operator}` };
    }
    const profile = this.transmitters.profile?.(mt.operator) ?? DEFAULT_SUBMIT_PROFILE;
    const destinationAddr = formatDestination(mt.msisdn, profile.destFormat);
    if (destinationAddr === null) {
      return { outcome: 'rejected', code: 'UNFORMATTABLE_DESTINATION', reason: `the number has no country code to write it as ${profile.destFormat}` };
    }
    const mode = this.transmitters.segmentation(mt.operator);
    // One look-alike (’ – a no-break space) in a roll name would otherwise send an English reply as UCS-2: 70 characters a part, not 160.
    const { dataCoding, segments } = segmentForSms(mt.text, {
      reference: this.nextReference(mt.operator, mode),
      mode,
      gsm7LookAlikes: true,
      defaultAlphabet: profile.dataCoding0,
    });
    const messageIds: string[] = [];
    const now = this.options.now ?? Date.now;
    const deadline = now() + this.options.retryDeadlineMs;
    let attempt = 0;
    let part = 0;
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
    return { outcome: 'sent', messageIds, parts: segments.length };
  }

  private nextReference(operator: string, mode: SegmentationMode): number {
    const modulo = mode === 'udh8' ? 256 : 65536;
    const next = ((this.references.get(operator) ?? Math.floor(Math.random() * modulo)) + 1) % modulo;
    this.references.set(operator, next);
    return next;
  }
}
