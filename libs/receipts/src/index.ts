export { ReceiptAcceptor } from './receipt-acceptor';
export type { ReceiptAcceptorOptions, ReceiptOutcome, ReceiptPublisher } from './receipt-acceptor';
