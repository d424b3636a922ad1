export { parseDeliveryReceipt, parseReceiptText } from './delivery-receipt';
export type { DeliveryReceipt, DeliveryState } from './delivery-receipt';
export { normaliseMessageId } from './message-id';
