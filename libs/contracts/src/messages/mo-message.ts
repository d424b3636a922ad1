/** A mobile-originated SMS as ingress accepted it (topic sms.mo.v1). */
export interface MoMessageV1 {
  v: 1;
  /** Unique id assigned by ingress; every reply id derives from it. */
  id: string;
  /** Operator link id from the operator configuration, e.g. "jazz". */
  operator: string;
  /** Sender in international form without '+', e.g. 923001234567. Needed to address the reply. */
  msisdn: string;
  /** The short code the citizen wrote to, e.g. "8300". */
  shortCode: string;
  /** Decoded text (concatenated parts already joined). */
  text: string;
  /** data_coding of the deliver_sm it came in, kept for diagnosis. */
  dataCoding: number;
  /** Epoch milliseconds when ingress received the (last part of the) deliver_sm. */
  receivedAt: number;
}
