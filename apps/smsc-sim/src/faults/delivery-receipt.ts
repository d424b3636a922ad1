import {
  createTlv,
  decodeText,
  EsmClass,
  formatReceiptId,
  formatReceiptText,
  MessageState,
  TlvTag,
  userDataOf,
  type DeliverSmFields,
  type ReceiptStatWord,
  type SubmitSm,
} from '@parchee/smpp';
import type { ReceiptDecision } from './submit-fault-policy';
import type { IntermediateReceiptStat, ReceiptForm, ReceiptStat } from './fault-plan';

/** A `stat:` word the simulator writes: a final outcome or an intermediate state. */
export type ReceiptWord = ReceiptStat | IntermediateReceiptStat;

/**
 * message_state TLV value of each receipt state (SMPP 3.4, 5.2.28; SKIPPED is SMPP 5.0's). The
 * TLV has no "buffered": SMSCs that write BUFFRED in the text send ENROUTE in it.
 */
export const RECEIPT_MESSAGE_STATE: Readonly<Record<ReceiptWord, number>> = {
  DELIVRD: MessageState.DELIVERED,
  UNDELIV: MessageState.UNDELIVERABLE,
  EXPIRED: MessageState.EXPIRED,
  REJECTD: MessageState.REJECTED,
  SKIPPED: MessageState.SKIPPED,
  ACKED: MessageState.ACCEPTED,
  ACCEPTD: MessageState.ACCEPTED,
  BUFFRED: MessageState.ENROUTE,
  ENROUTE: MessageState.ENROUTE,
};

/** The `err:` field; network error codes are operator-specific, these are the simulator's own. */
export const RECEIPT_ERROR_CODE: Readonly<Record<ReceiptWord, string>> = {
  DELIVRD: '000',
  UNDELIV: '001',
  EXPIRED: '002',
  REJECTD: '003',
  SKIPPED: '004',
  ACKED: '000',
  ACCEPTD: '000',
  BUFFRED: '000',
  ENROUTE: '000',
};

export interface ReceiptInput {
  sm: SubmitSm;
  messageId: string;
  decision: ReceiptDecision;
  /** The state this receipt reports: one of the decision's intermediates; by default its final stat. */
  stat?: ReceiptWord;
  submittedAt: Date;
  doneAt: Date;
}

/**
 * The simulator's receipt text (written by the library's formatReceiptText): one part submitted,
 * delivered only when DELIVRD, the id in the decision's form, the simulator's own err codes, and a
 * sample of this part's text.
 */
export function receiptText(input: ReceiptInput): string {
  const { decision, sm } = input;
  const stat = input.stat ?? decision.stat;
  return formatReceiptText({
    id: formatReceiptId(input.messageId, decision.idForm),
    sub: 1,
    dlvrd: stat === 'DELIVRD' ? 1 : 0,
    submitDate: input.submittedAt,
    doneDate: input.doneAt,
    // The library writes ACCEPTD for an acknowledgement; SMSCs also write ACKED, which is the
    // point of sending it here.
    stat: stat as ReceiptStatWord,
    err: RECEIPT_ERROR_CODE[stat],
    text: decodeText(sm.dataCoding, userDataOf(sm).payload).text,
  });
}

/**
 * esm_class of each receipt form. Real SMSCs and aggregators disagree on how they mark a receipt:
 * the SMPP 3.4 "SMSC delivery receipt" type, an intermediate notification, an SME acknowledgement,
 * or no type at all (esm_class 0, like an MO), leaving the ESME to recognise the text or the TLVs.
 */
export const RECEIPT_ESM_CLASS: Readonly<Record<ReceiptForm, number>> = {
  standard: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
  intermediate: EsmClass.TYPE_INTERMEDIATE_DELIVERY_NOTIFICATION,
  'sme-ack': EsmClass.TYPE_ESME_DELIVERY_ACK,
  'esm0-text': EsmClass.TYPE_DEFAULT,
  'esm0-tlv': EsmClass.TYPE_DEFAULT,
};

/**
 * The deliver_sm carrying the receipt: from the subscriber back to the MT's sender. The form
 * decides the rest: esm_class (RECEIPT_ESM_CLASS), and whether the receipt text and the
 * receipted_message_id (always the hex id, as submit_sm_resp gave it) and message_state TLVs go
 * along. "esm0-text" carries the text only, "esm0-tlv" the TLVs only with an empty short_message;
 * every other form carries both.
 */
export function receiptDeliverSm(input: ReceiptInput): DeliverSmFields {
  const { sm } = input;
  const form = input.decision.form;
  return {
    sourceAddrTon: sm.destAddrTon,
    sourceAddrNpi: sm.destAddrNpi,
    sourceAddr: sm.destinationAddr,
    destAddrTon: sm.sourceAddrTon,
    destAddrNpi: sm.sourceAddrNpi,
    destinationAddr: sm.sourceAddr,
    esmClass: RECEIPT_ESM_CLASS[form],
    dataCoding: 0,
    shortMessage: form === 'esm0-tlv' ? Buffer.alloc(0) : Buffer.from(receiptText(input), 'latin1'),
    tlvs:
      form === 'esm0-text'
        ? []
        : [createTlv(TlvTag.receipted_message_id, input.messageId), createTlv(TlvTag.message_state, RECEIPT_MESSAGE_STATE[input.stat ?? input.decision.stat])],
  };
}
