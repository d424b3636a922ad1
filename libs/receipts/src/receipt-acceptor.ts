import { randomUUID } from 'node:crypto';
import { Topics, encodeMessage, type DlrMessageV1 } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import { CommandStatus, parseDeliveryReceipt, type DeliverSm, type DeliveryKind, type MessageIdFormat } from '@parchee/smpp';

export interface ReceiptPublisher {
  publish(records: OutgoingRecord[]): Promise<void>;
}

/**
 * `notice`: an SME acknowledgement, conversation abort or intermediate notification that holds no
 * readable receipt; acknowledged and dropped like an unreadable receipt, but expected, not a fault.
 */
export type ReceiptOutcome = 'receipt' | 'receipt_unparsed' | 'receipt_publish_failed' | 'notice';

export interface ReceiptAcceptorOptions {
  /**
   * How each operator's SMSC writes message ids in its receipts against its submit_sm_resp (its
   * link's `submit.messageIdFormat`), by operator id. The receipt's candidate ids, which egress
   * looks the MT part up by, follow it; an operator not listed gets `auto`.
   */
  messageIdFormats?: ReadonlyMap<string, MessageIdFormat>;
  logger?: Logger;
  onOutcome?: (operator: string, outcome: ReceiptOutcome) => void;
  now?: () => number;
}

/**
 * Turns an SMSC delivery receipt into a DlrMessageV1 on sms.dlr.v1, for egress to correlate.
 * Like an MO, a receipt is acknowledged only once Kafka holds it; if Kafka cannot take it the
 * SMSC gets a temporary error and sends it again. A receipt that cannot be read is acknowledged
 * anyway: asking the SMSC to retry it would only bring the same garbage back forever.
 *
 * Every deliver_sm that is not an MO comes here (see deliveryKind): typed receipts, intermediate
 * notifications, SME acknowledgements, and receipts an aggregator sends with esm_class 0. None is
 * ever answered with an SMS.
 */
export class ReceiptAcceptor {
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(
    private readonly publisher: ReceiptPublisher,
    private readonly options: ReceiptAcceptorOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  async accept(operator: string, pdu: DeliverSm, kind: Exclude<DeliveryKind, 'mo' | 'ussd'> = 'delivery_receipt'): Promise<number> {
    const receipt = parseDeliveryReceipt(pdu, { messageIdFormat: this.options.messageIdFormats?.get(operator) });
    if (receipt === null && (kind === 'sme_ack' || kind === 'conversation_abort' || kind === 'intermediate_notification')) {
      this.options.onOutcome?.(operator, 'notice');
      return CommandStatus.ESME_ROK;
    }
    if (receipt === null) {
      // The text may quote the citizen's message; log only its size.
      this.logger.warn({ operator, kind, bytes: pdu.shortMessage.length, tlvs: pdu.tlvs.length }, 'unreadable delivery receipt acknowledged and dropped');
      this.options.onOutcome?.(operator, 'receipt_unparsed');
      return CommandStatus.ESME_ROK;
    }
    const dlr: DlrMessageV1 = {
      v: 1,
      id: randomUUID(),
      operator,
      messageId: receipt.messageId,
      normalisedIds: receipt.normalisedIds,
      state: receipt.state,
      // An intermediate notification reports progress, whatever its text says.
      final: receipt.final && kind !== 'intermediate_notification',
      receivedAt: this.now(),
    };
    if (receipt.errorCode !== undefined) dlr.errorCode = receipt.errorCode;
    try {
      await this.publisher.publish([{ topic: Topics.DLR, key: `${operator}:${receipt.normalisedIds[0]}`, value: encodeMessage(dlr) }]);
    } catch (err) {
      this.logger.warn({ operator, messageId: receipt.messageId, err: (err as Error).message }, 'receipt not stored; asking the SMSC to retry');
      this.options.onOutcome?.(operator, 'receipt_publish_failed');
      return CommandStatus.ESME_RX_T_APPN;
    }
    this.options.onOutcome?.(operator, 'receipt');
    return CommandStatus.ESME_ROK;
  }
}
