export {
  parseDeliveryReceipt,
  parseReceiptText,
  formatReceiptText,
  formatReceiptDate,
  formatReceiptId,
  receiptTextSample,
  RECEIPT_STAT_WORD,
  INTERMEDIATE_DELIVERY_STATES,
} from './delivery-receipt';
export type { DeliveryReceipt, DeliveryState, ParseDeliveryReceiptOptions, ReceiptStatWord, ReceiptTextFields } from './delivery-receipt';
export { normaliseMessageId } from './message-id';
export type { MessageIdFormat } from './message-id';
export { deliveryKind } from './delivery-kind';
export type { DeliveryKind } from './delivery-kind';
