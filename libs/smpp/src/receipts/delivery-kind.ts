import { ESM_CLASS_MESSAGE_TYPE, EsmClass } from '../codec/field-values';
import type { DeliverSm } from '../codec/pdu';
import { getTlv } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import { parseReceiptText, receiptText } from './delivery-receipt';

/**
 * What a deliver_sm (or a data_sm seen as one) carries:
 * - `mo`: a subscriber's message, to be answered;
 * - `delivery_receipt`: esm_class type 0x04;
 * - `intermediate_notification`: type 0x20 (the message is still on its way);
 * - `sme_ack`: types 0x08 and 0x10, the handset's or user's acknowledgement;
 * - `conversation_abort`: type 0x18;
 * - `untyped_receipt`: esm_class type 0, yet a receipt (receipted_message_id or message_state TLV,
 *   or receipt text `id:… stat:…`), as some aggregators send them.
 * - `ussd`: a USSD dialog step (service_type `USSD`, or a `ussd_service_op` TLV), never to be
 *   answered by SMS: the citizen's screen waits for a USSD answer.
 * Anything but `mo` must never be answered by SMS: a receipt's source is the citizen's number, and
 * an answer asks for another receipt, which would come back as another "MO" (an SMS loop).
 *
 * The markers are read strongest first: a receipt's esm_class type or TLVs, then the USSD markers,
 * then receipt-shaped text. A receipt stays a receipt whatever service_type the SMSC copied into
 * it: taken for a USSD step it would be refused, and its state lost.
 */
export type DeliveryKind = 'mo' | 'ussd' | 'delivery_receipt' | 'intermediate_notification' | 'sme_ack' | 'conversation_abort' | 'untyped_receipt';

const KIND_BY_TYPE: ReadonlyMap<number, DeliveryKind> = new Map([
  [EsmClass.TYPE_SMSC_DELIVERY_RECEIPT, 'delivery_receipt'],
  [EsmClass.TYPE_INTERMEDIATE_DELIVERY_NOTIFICATION, 'intermediate_notification'],
  [EsmClass.TYPE_ESME_DELIVERY_ACK, 'sme_ack'],
  [EsmClass.TYPE_ESME_USER_ACK, 'sme_ack'],
  [EsmClass.TYPE_CONVERSATION_ABORT, 'conversation_abort'],
]);

/** `stat:` with a value: the field no subscriber's text has and every text receipt does. */
const STAT_FIELD = /(?:^|\s)stat\s*:\s*\S/i;

/**
 * Classifies a deliver_sm as Kannel does and then some: any esm_class message type other than
 * default is not an MO (Kannel counts 0x04|0x08|0x20 as receipts "because some buggy SMSCs send
 * us delivery notifications although we didn't request them"); a type-0 PDU is a receipt when it
 * carries a receipt's TLVs, or text with both an `id:` and a `stat:` field. An unknown non-zero
 * type (reserved bits) is treated as a receipt too: answering it is the one thing that can loop.
 */
export function deliveryKind(pdu: Pick<DeliverSm, 'esmClass' | 'tlvs' | 'shortMessage' | 'dataCoding'> & { serviceType?: string }): DeliveryKind {
  const type = pdu.esmClass & ESM_CLASS_MESSAGE_TYPE;
  if (type !== EsmClass.TYPE_DEFAULT) return KIND_BY_TYPE.get(type) ?? 'delivery_receipt';
  if (getTlv(pdu, TlvTag.receipted_message_id) !== undefined || getTlv(pdu, TlvTag.message_state) !== undefined) return 'untyped_receipt';
  if (isUssd(pdu)) return 'ussd';
  const text = receiptText(pdu);
  if (!STAT_FIELD.test(text)) return 'mo';
  const fields = parseReceiptText(text);
  return fields.has('id') && fields.has('stat') ? 'untyped_receipt' : 'mo';
}

/** SMSCs pad and case service_type as they please: `ussd`, `USSD `, `USSD` followed by NULs. */
const PADDING = /^[\s\0]+|[\s\0]+$/g;

function isUssd(pdu: Pick<DeliverSm, 'tlvs'> & { serviceType?: string }): boolean {
  return getTlv(pdu, TlvTag.ussd_service_op) !== undefined || pdu.serviceType?.replace(PADDING, '').toUpperCase() === 'USSD';
}
