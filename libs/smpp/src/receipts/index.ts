export { parseDeliveryReceipt, parseReceiptText } from './delivery-receipt';
export type { DeliveryReceipt, DeliveryState } from './delivery-receipt';
export { normaliseMessageId } from './message-id';
export { deliveryKind } from './delivery-kind';
export type { DeliveryKind } from './delivery-kind';
