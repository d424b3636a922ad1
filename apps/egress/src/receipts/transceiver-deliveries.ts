import type { Logger } from '@parchee/observability';
import { ReceiptAcceptor, type ReceiptOutcome, type ReceiptPublisher } from '@parchee/receipts';
import { CommandStatus, deliveryKind, type DeliverSm, type MessageIdFormat } from '@parchee/smpp';

/** What egress did with a deliver_sm on a transceiver bind: a receipt's outcome, or an MO or USSD step sent back. */
export type TransceiverDelivery = ReceiptOutcome | 'mo_refused';

export interface TransceiverDeliveriesOptions {
  /** How each operator's receipts write message ids (its link's `submit.messageIdFormat`). */
  messageIdFormats?: ReadonlyMap<string, MessageIdFormat>;
  logger?: Logger;
  onDelivery?: (operator: string, outcome: TransceiverDelivery) => void;
}

/**
 * What an SMSC delivers to egress's transceiver binds (links with `bindMode: transceiver`): the
 * receipts of the parts egress submitted there, which such SMSCs send only to the submitting bind.
 * Each is taken exactly as ingress takes one (ReceiptAcceptor: published to sms.dlr.v1 before
 * its deliver_sm_resp, never answered by SMS). An MO or a USSD step that lands here is answered
 * ESME_RX_T_APPN, a temporary error: egress does not parse citizens' requests (that is ingress's
 * edge, where the CNIC is hashed), and the SMSC delivers it again, to ingress's binds of the same
 * account as well.
 */
export class TransceiverDeliveries {
  private readonly receipts: ReceiptAcceptor;

  constructor(
    publisher: ReceiptPublisher,
    private readonly options: TransceiverDeliveriesOptions = {},
  ) {
    this.receipts = new ReceiptAcceptor(publisher, {
      messageIdFormats: options.messageIdFormats,
      logger: options.logger,
      onOutcome: options.onDelivery,
    });
  }

  async accept(operator: string, pdu: DeliverSm): Promise<number> {
    const kind = deliveryKind(pdu);
    if (kind === 'mo' || kind === 'ussd') {
      this.options.onDelivery?.(operator, 'mo_refused');
      return CommandStatus.ESME_RX_T_APPN;
    }
    return this.receipts.accept(operator, pdu, kind);
  }
}
