import { setTimeout as delay } from 'node:timers/promises';
import type { MtMessageV1 } from '@parchee/contracts';
import { segmentForSms, type SegmentationMode } from '@parchee/smpp';

/** What egress needs of a sending bind. EsmeClient implements it. */
export interface Transmitter {
  readonly isBound: boolean;
  submitSm(fields: {
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
  }): Promise<{ messageId: string }>;
}

export interface TransmitterDirectory {
  /** A bound transmitter of that operator, or null while none is up. */
  pick(operator: string): Transmitter | null;
  segmentation(operator: string): SegmentationMode;
  knows(operator: string): boolean;
}

export type SendResult =
  | { outcome: 'sent'; messageIds: string[]; parts: number }
  | { outcome: 'rejected'; code: string; reason: string }
  | { outcome: 'deferred'; reason: string };

export interface MtSenderOptions {
  /** Give up retrying temporary failures after this long; the MT is then deferred (batch not committed). */
  retryDeadlineMs: number;
  onRetry?: (operator: string, reason: string) => void;
  /** Each part's submit_sm_resp, as it arrives (part is 1-based); egress maps the message id for receipts. */
  onSubmitted?: (mt: MtMessageV1, messageId: string, part: number, parts: number) => void;
}

/** Source address: the short code as a network-specific number; destination in international E.164. */
const TON_NETWORK_SPECIFIC = 3;
const TON_INTERNATIONAL = 1;
const NPI_ISDN = 1;

/**
 * Sends one MT, all its parts in order. Temporary failures (throttling, a full queue, a lost
 * bind, a timeout) are retried with backoff and resume at the failed part; permanent ones
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
    const mode = this.transmitters.segmentation(mt.operator);
    const { dataCoding, segments } = segmentForSms(mt.text, { reference: this.nextReference(mt.operator, mode), mode });
    const messageIds: string[] = [];
    const deadline = Date.now() + this.options.retryDeadlineMs;
    let wait = 50;
    let part = 0;
    while (part < segments.length) {
      const transmitter = this.transmitters.pick(mt.operator);
      try {
        if (!transmitter) throw Object.assign(new Error(`no bound transmitter for ${mt.operator}`), { retriable: true, code: 'NOT_BOUND' });
        const segment = segments[part];
        const resp = await transmitter.submitSm({
          sourceAddr: mt.shortCode,
          sourceAddrTon: TON_NETWORK_SPECIFIC,
          sourceAddrNpi: 0,
          destinationAddr: mt.msisdn,
          destAddrTon: TON_INTERNATIONAL,
          destAddrNpi: NPI_ISDN,
          esmClass: segment.esmClass,
          dataCoding,
          registeredDelivery: 1,
          shortMessage: segment.shortMessage,
          tlvs: segment.tlvs,
        });
        messageIds.push(resp.messageId);
        this.options.onSubmitted?.(mt, resp.messageId, part + 1, segments.length);
        part++;
        wait = 50;
      } catch (err) {
        const e = err as { retriable?: boolean; code?: string; message: string };
        if (e.retriable === false) {
          return { outcome: 'rejected', code: e.code ?? 'SUBMIT_REJECTED', reason: e.message };
        }
        this.options.onRetry?.(mt.operator, e.code ?? 'ERROR');
        if (Date.now() + wait > deadline) return { outcome: 'deferred', reason: e.message };
        await delay(wait);
        wait = Math.min(wait * 2, 2000);
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
