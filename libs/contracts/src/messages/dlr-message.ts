/**
 * The message_state names of SMPP 3.4 (5.2.28), SKIPPED of SMPP 5.0 and BUFFERED (receipt text
 * only), as a receipt reports them. ENROUTE, ACCEPTED and BUFFERED are intermediate.
 */
export type DlrState = 'DELIVERED' | 'EXPIRED' | 'DELETED' | 'UNDELIVERABLE' | 'ACCEPTED' | 'UNKNOWN' | 'REJECTED' | 'ENROUTE' | 'BUFFERED' | 'SKIPPED';

/** An SMSC delivery receipt as ingress accepted it (topic sms.dlr.v1). Carries no MSISDN. */
export interface DlrMessageV1 {
  v: 1;
  /** Unique id assigned by ingress (UUID). */
  id: string;
  /** Operator link id the receipt came in on, e.g. "jazz". */
  operator: string;
  /** The SMSC message id exactly as the receipt carried it. */
  messageId: string;
  /** Candidate keys of that id (lower case, no leading zeros, hex/decimal readings), canonical first. */
  normalisedIds: string[];
  state: DlrState;
  /** True when the state will not change any more. */
  final: boolean;
  /** SMSC or network error code, when the receipt gave one. */
  errorCode?: string;
  /** Epoch milliseconds when ingress received the receipt. */
  receivedAt: number;
}
