import { randomUUID } from 'node:crypto';
import { Topics, encodeMessage, type DlrMessageV1 } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import { CommandStatus, parseDeliveryReceipt, type DeliverSm } from '@parchee/smpp';

export interface ReceiptPublisher {
  publish(records: OutgoingRecord[]): Promise<void>;
}

export type ReceiptOutcome = 'receipt' | 'receipt_unparsed' | 'receipt_publish_failed';

export interface ReceiptAcceptorOptions {
  logger?: Logger;
  onOutcome?: (operator: string, outcome: ReceiptOutcome) => void;
  now?: () => number;
}

/**
 * Turns an SMSC delivery receipt into a DlrMessageV1 on sms.dlr.v1, for egress to correlate.
 * Like an MO, a receipt is acknowledged only once Kafka holds it; if Kafka cannot take it the
 * SMSC gets a temporary error and sends it again. A receipt that cannot be read is acknowledged
 * anyway: asking the SMSC to retry it would only bring the same garbage back forever.
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

  async accept(operator: string, pdu: DeliverSm): Promise<number> {
    const receipt = parseDeliveryReceipt(pdu);
    if (receipt === null) {
      // The text may quote the citizen's message; log only its size.
      this.logger.warn({ operator, bytes: pdu.shortMessage.length, tlvs: pdu.tlvs.length }, 'unreadable delivery receipt acknowledged and dropped');
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
      final: receipt.final,
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
