import { randomUUID } from 'node:crypto';
import { Topics, encodeMessage, type MoMessageV2 } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import { KeyedHasher, maskMsisdn } from '@parchee/privacy';
import { moRequestFromText } from '@parchee/requests';
import {
  CommandStatus,
  ConcatReassembler,
  ESM_CLASS_UDHI,
  TlvTag,
  decodeShortMessage,
  getTlvBuffer,
  getTlvNumber,
  isDeliveryReceipt,
  parseUdh,
  type DeliverSm,
} from '@parchee/smpp';
import { ReceiptAcceptor, type ReceiptOutcome } from '../receipts/receipt-acceptor';
import { normaliseMsisdn } from './msisdn';
import { isPakistaniMobile } from './territorial-filter';

export interface MoPublisher {
  publish(records: OutgoingRecord[]): Promise<void>;
}

export type MoOutcome = 'accepted' | 'part_buffered' | 'publish_failed' | 'empty_source' | 'not_pakistani' | ReceiptOutcome;

export interface MoAcceptorOptions {
  shortCode: string;
  /** How long to wait for the missing parts of a concatenated MO, ms. Default 60000. */
  reassemblyTimeoutMs?: number;
  logger?: Logger;
  onOutcome?: (operator: string, outcome: MoOutcome) => void;
  /** An MO refused at the edge (acked, never published), for parchee_requests_refused_total. */
  onRefused?: (operator: string, reason: 'not_pakistani') => void;
  /** The next pepper, only while the pepper is being rotated: CNICs are then hashed under both. */
  nextPepper?: KeyedHasher;
  now?: () => number;
}

/**
 * Turns a deliver_sm into an MO on Kafka and decides the deliver_sm_resp status. The status is
 * ESME_ROK only after Kafka has acknowledged the record; if Kafka cannot take it, the SMSC gets
 * a temporary error and keeps the message in its own queue to retry. Nothing is lost.
 *
 * This is the edge of the clear CNIC: the text is parsed here and the MO carries only the
 * request, with the CNIC as keyed hashes. The text goes no further than this function.
 */
export class MoAcceptor {
  private readonly reassembler: ConcatReassembler;
  private readonly receipts: ReceiptAcceptor;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly peppers: readonly KeyedHasher[];

  constructor(
    private readonly publisher: MoPublisher,
    private readonly hasher: KeyedHasher,
    private readonly options: MoAcceptorOptions,
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.peppers = options.nextPepper ? [hasher, options.nextPepper] : [hasher];
    this.receipts = new ReceiptAcceptor(publisher, { logger: this.logger, onOutcome: options.onOutcome, now: this.now });
    this.reassembler = new ConcatReassembler({
      timeoutMs: options.reassemblyTimeoutMs ?? 60_000,
      onExpired: (e) => this.logger.warn({ received: e.received, total: e.total }, 'concatenated MO never completed'),
    });
  }

  async accept(operator: string, pdu: DeliverSm): Promise<number> {
    if (isDeliveryReceipt(pdu.esmClass)) {
      // Receipts come on receiver binds too; correlating them is egress's job (sms.dlr.v1).
      return this.receipts.accept(operator, pdu);
    }
    const msisdn = normaliseMsisdn(pdu.sourceAddr);
    if (msisdn === '') {
      this.options.onOutcome?.(operator, 'empty_source');
      return CommandStatus.ESME_RINVSRCADR;
    }
    if (!isPakistaniMobile(msisdn)) {
      // Acked, so the SMSC does not retry it; dropped, so it costs no lookup and no reply.
      this.options.onOutcome?.(operator, 'not_pakistani');
      this.options.onRefused?.(operator, 'not_pakistani');
      return CommandStatus.ESME_ROK;
    }
    const key = KeyedHasher.text(this.hasher.msisdn(msisdn));
    const text = this.textOf(operator, key, pdu);
    if (text === null) {
      this.options.onOutcome?.(operator, 'part_buffered');
      return CommandStatus.ESME_ROK;
    }
    const mo: MoMessageV2 = {
      v: 2,
      id: randomUUID(),
      operator,
      msisdn,
      shortCode: this.options.shortCode,
      request: moRequestFromText(text, this.peppers),
      textLength: text.length,
      dataCoding: pdu.dataCoding,
      receivedAt: this.now(),
    };
    try {
      await this.publisher.publish([{ topic: Topics.MO, key, value: encodeMessage(mo) }]);
    } catch (err) {
      this.logger.warn({ operator, msisdn: maskMsisdn(msisdn), err: (err as Error).message }, 'MO not stored; asking the SMSC to retry');
      this.options.onOutcome?.(operator, 'publish_failed');
      return CommandStatus.ESME_RX_T_APPN;
    }
    this.options.onOutcome?.(operator, 'accepted');
    return CommandStatus.ESME_ROK;
  }

  /** Sweeps concatenations that timed out; call periodically. */
  sweep(): number {
    return this.reassembler.sweep();
  }

  /** The whole text, or null while parts of a concatenated MO are still missing. */
  private textOf(operator: string, sourceKey: string, pdu: DeliverSm): string | null {
    const payload = getTlvBuffer(pdu, TlvTag.message_payload) ?? pdu.shortMessage;
    const sarRef = getTlvNumber(pdu, TlvTag.sar_msg_ref_num);
    if (sarRef !== undefined) {
      const done = this.reassembler.add({
        sourceKey: `${operator}:${sourceKey}`,
        ref: sarRef,
        total: getTlvNumber(pdu, TlvTag.sar_total_segments) ?? 1,
        seq: getTlvNumber(pdu, TlvTag.sar_segment_seqnum) ?? 1,
        dataCoding: pdu.dataCoding,
        payload,
      });
      return done ? done.text : null;
    }
    if (pdu.esmClass & ESM_CLASS_UDHI) {
      const parsed = parseUdh(payload);
      if (parsed?.udh.concat) {
        const { ref, total, seq } = parsed.udh.concat;
        const done = this.reassembler.add({ sourceKey: `${operator}:${sourceKey}`, ref, total, seq, dataCoding: pdu.dataCoding, payload: parsed.payload });
        return done ? done.text : null;
      }
      if (parsed) return this.decode(pdu.dataCoding, parsed.payload);
    }
    return this.decode(pdu.dataCoding, payload);
  }

  /** Undecodable content (binary, unknown alphabets) becomes empty text: the citizen gets a helpful reply. */
  private decode(dataCoding: number, bytes: Buffer): string {
    try {
      return decodeShortMessage(dataCoding, bytes);
    } catch {
      return '';
    }
  }
}
