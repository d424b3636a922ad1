/** interface_version for SMPP 3.4 in bind PDUs and the sc_interface_version TLV (5.2.4). */
export const SMPP_INTERFACE_VERSION_34 = 0x34;

/** Type of Number, addr_ton / source_addr_ton / dest_addr_ton (5.2.5). */
export const Ton = {
  UNKNOWN: 0x00,
  INTERNATIONAL: 0x01,
  NATIONAL: 0x02,
  NETWORK_SPECIFIC: 0x03,
  SUBSCRIBER_NUMBER: 0x04,
  ALPHANUMERIC: 0x05,
  ABBREVIATED: 0x06,
} as const;

/** Numbering Plan Indicator, addr_npi / source_addr_npi / dest_addr_npi (5.2.6). */
export const Npi = {
  UNKNOWN: 0x00,
  ISDN: 0x01,
  DATA: 0x03,
  TELEX: 0x04,
  LAND_MOBILE: 0x06,
  NATIONAL: 0x08,
  PRIVATE: 0x09,
  ERMES: 0x0a,
  INTERNET: 0x0e,
  WAP_CLIENT_ID: 0x12,
} as const;

/** esm_class bits (5.2.12). The message type lives in bits 5-2, the GSM features in bits 7-6. */
export const EsmClass = {
  MODE_DEFAULT: 0x00,
  MODE_DATAGRAM: 0x01,
  MODE_FORWARD: 0x02,
  MODE_STORE_AND_FORWARD: 0x03,
  TYPE_DEFAULT: 0x00,
  TYPE_SMSC_DELIVERY_RECEIPT: 0x04,
  TYPE_ESME_DELIVERY_ACK: 0x08,
  TYPE_ESME_USER_ACK: 0x10,
  TYPE_CONVERSATION_ABORT: 0x18,
  TYPE_INTERMEDIATE_DELIVERY_NOTIFICATION: 0x20,
  UDHI_INDICATOR: 0x40,
  REPLY_PATH: 0x80,
} as const;

/**
 * The esm_class bits that mean the same in submit_sm and deliver_sm (UDHI, reply path). The mode
 * and type bits do not: in submit_sm they ask for store-and-forward or acknowledgements, in
 * deliver_sm they would mark a delivery receipt. Mask with this when turning one into the other.
 */
export const ESM_CLASS_GSM_FEATURES = EsmClass.UDHI_INDICATOR | EsmClass.REPLY_PATH;

/** The message type bits of esm_class (bits 5-2): 0 for a plain message, anything else a receipt or notice. */
export const ESM_CLASS_MESSAGE_TYPE = 0x3c;

/** registered_delivery: which SMSC delivery receipt to request (5.2.17, bits 1-0). */
export const RegisteredDelivery = {
  NONE: 0x00,
  SUCCESS_OR_FAILURE: 0x01,
  FAILURE_ONLY: 0x02,
} as const;

/** message_state in query_sm_resp and the message_state TLV (5.2.28; SKIPPED is SMPP 5.0's). */
export const MessageState = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  DELETED: 4,
  UNDELIVERABLE: 5,
  ACCEPTED: 6,
  UNKNOWN: 7,
  REJECTED: 8,
  SKIPPED: 9,
} as const;
