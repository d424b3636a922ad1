import {
  createTlv,
  decodeShortMessage,
  ESM_CLASS_UDHI,
  EsmClass,
  MessageState,
  parseUdh,
  TlvTag,
  type DeliverSmFields,
  type SubmitSm,
} from '@parchee/smpp';
import type { ReceiptDecision } from './submit-fault-policy';
import type { ReceiptForm, ReceiptStat } from './fault-plan';

/** message_state TLV value of each receipt outcome (SMPP 3.4, 5.2.28). */
export const RECEIPT_MESSAGE_STATE: Readonly<Record<ReceiptStat, number>> = {
  DELIVRD: MessageState.DELIVERED,
  UNDELIV: MessageState.UNDELIVERABLE,
  EXPIRED: MessageState.EXPIRED,
  REJECTD: MessageState.REJECTED,
};

/** The `err:` field; network error codes are operator-specific, these are the simulator's own. */
export const RECEIPT_ERROR_CODE: Readonly<Record<ReceiptStat, string>> = {
  DELIVRD: '000',
  UNDELIV: '001',
  EXPIRED: '002',
  REJECTD: '003',
};

/** YYMMDDhhmm in UTC, the date form of the receipt text (SMPP 3.4 Appendix B). */
export function receiptDate(at: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(at.getUTCFullYear() % 100)}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}${two(at.getUTCHours())}${two(at.getUTCMinutes())}`;
}

/** The message id as the receipt text shows it: the hex id itself, or the same number in decimal. */
export function receiptId(messageId: string, form: 'hex' | 'decimal'): string {
  return form === 'hex' ? messageId : BigInt(`0x${messageId}`).toString(10);
}

/**
 * First 20 characters of the part's text, printable ASCII only: the receipt goes as data_coding 0
 * and ESMEs parse it with patterns, so anything else becomes '?'.
 */
export function receiptTextSample(sm: Pick<SubmitSm, 'esmClass' | 'dataCoding' | 'shortMessage'>): string {
  let payload = sm.shortMessage;
  if (sm.esmClass & ESM_CLASS_UDHI) payload = parseUdh(payload)?.payload ?? Buffer.alloc(0);
  let text: string;
  try {
    text = decodeShortMessage(sm.dataCoding, payload);
  } catch {
    return '';
  }
  return [...text.slice(0, 20)].map((c) => (c >= ' ' && c <= '~' ? c : '?')).join('');
}

export interface ReceiptInput {
  sm: SubmitSm;
  messageId: string;
  decision: ReceiptDecision;
  submittedAt: Date;
  doneAt: Date;
}

/** Standard receipt text: `id:... sub:001 dlvrd:001 submit date:... done date:... stat:... err:... text:...`. */
export function receiptText(input: ReceiptInput): string {
  const { decision } = input;
  const delivered = decision.stat === 'DELIVRD' ? '001' : '000';
  return (
    `id:${receiptId(input.messageId, decision.idForm)} sub:001 dlvrd:${delivered} ` +
    `submit date:${receiptDate(input.submittedAt)} done date:${receiptDate(input.doneAt)} ` +
    `stat:${decision.stat} err:${RECEIPT_ERROR_CODE[decision.stat]} text:${receiptTextSample(input.sm)}`
  );
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
        : [
            createTlv(TlvTag.receipted_message_id, input.messageId),
            createTlv(TlvTag.message_state, RECEIPT_MESSAGE_STATE[input.decision.stat]),
          ],
  };
}
