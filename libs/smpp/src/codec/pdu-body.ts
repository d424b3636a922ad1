import { CommandStatus } from './command-status';
import type { PduCommand } from './pdu';

/**
 * Each PDU body as the specification lays it out (section 4): the mandatory fields in order,
 * followed by optional TLVs where the PDU allows them. The codec walks these tables, so the
 * order here is the order on the wire.
 */
export type BodyField =
  | { kind: 'int8'; name: string }
  | {
      kind: 'cstring';
      name: string;
      /** Largest size in octets including the terminating NUL, as the spec's "Var. max N". */
      maxSize: number;
      /** The command_status that reports a bad value of this field. */
      status: number;
    }
  /**
   * schedule_delivery_time, validity_period, final_date: a C-Octet String of 16 characters, or
   * empty for "not set". Written strictly; read as whatever text comes before its NUL, since some
   * SMSCs send other forms and none of them is worth refusing a message for (see smpp-time.ts).
   */
  | { kind: 'time'; name: string }
  /** sm_length (1 octet) followed by short_message (0-254 octets). */
  | { kind: 'shortMessage'; name: 'shortMessage' }
  /** number_of_dests followed by that many dest_address structures (submit_multi). */
  | { kind: 'destAddresses'; name: 'destAddresses' }
  /** no_unsuccess followed by that many unsuccess_sme structures (submit_multi_resp). */
  | { kind: 'unsuccessSmes'; name: 'unsuccessSmes' };

export interface BodySpec {
  fields: readonly BodyField[];
  /** Whether optional parameters may follow the mandatory fields. */
  tlvs: boolean;
}

/** Largest short_message; longer content goes in the message_payload TLV. */
export const MAX_SHORT_MESSAGE_LENGTH = 254;

const S = CommandStatus;

const int8 = (name: string): BodyField => ({ kind: 'int8', name });
const cstring = (name: string, maxSize: number, status: number): BodyField => ({ kind: 'cstring', name, maxSize, status });
const time = (name: string): BodyField => ({ kind: 'time', name });
const shortMessage: BodyField = { kind: 'shortMessage', name: 'shortMessage' };

const bind: BodySpec = {
  fields: [
    cstring('systemId', 16, S.ESME_RINVSYSID),
    cstring('password', 9, S.ESME_RINVPASWD),
    cstring('systemType', 13, S.ESME_RINVSYSTYP),
    int8('interfaceVersion'),
    int8('addrTon'),
    int8('addrNpi'),
    cstring('addressRange', 41, S.ESME_RBINDFAIL),
  ],
  tlvs: false,
};

const bindResp: BodySpec = { fields: [cstring('systemId', 16, S.ESME_RINVSYSID)], tlvs: true };

/** submit_sm and deliver_sm (the decoder reads this one body through a fixed-shape fast path). */
export const SHORT_MESSAGE_BODY: BodySpec = {
  fields: [
    cstring('serviceType', 6, S.ESME_RINVSERTYP),
    int8('sourceAddrTon'),
    int8('sourceAddrNpi'),
    cstring('sourceAddr', 21, S.ESME_RINVSRCADR),
    int8('destAddrTon'),
    int8('destAddrNpi'),
    cstring('destinationAddr', 21, S.ESME_RINVDSTADR),
    int8('esmClass'),
    int8('protocolId'),
    int8('priorityFlag'),
    time('scheduleDeliveryTime'),
    time('validityPeriod'),
    int8('registeredDelivery'),
    int8('replaceIfPresentFlag'),
    int8('dataCoding'),
    int8('smDefaultMsgId'),
    shortMessage,
  ],
  tlvs: true,
};

const messageIdResp: BodySpec = { fields: [cstring('messageId', 65, S.ESME_RINVMSGID)], tlvs: false };
const empty: BodySpec = { fields: [], tlvs: false };

export const bodySpecs: Record<PduCommand, BodySpec> = {
  generic_nack: empty,
  bind_receiver: bind,
  bind_receiver_resp: bindResp,
  bind_transmitter: bind,
  bind_transmitter_resp: bindResp,
  query_sm: {
    fields: [cstring('messageId', 65, S.ESME_RINVMSGID), int8('sourceAddrTon'), int8('sourceAddrNpi'), cstring('sourceAddr', 21, S.ESME_RINVSRCADR)],
    tlvs: false,
  },
  query_sm_resp: {
    fields: [cstring('messageId', 65, S.ESME_RINVMSGID), time('finalDate'), int8('messageState'), int8('errorCode')],
    tlvs: false,
  },
  submit_sm: SHORT_MESSAGE_BODY,
  submit_sm_resp: messageIdResp,
  deliver_sm: SHORT_MESSAGE_BODY,
  deliver_sm_resp: messageIdResp,
  unbind: empty,
  unbind_resp: empty,
  replace_sm: {
    fields: [
      cstring('messageId', 65, S.ESME_RINVMSGID),
      int8('sourceAddrTon'),
      int8('sourceAddrNpi'),
      cstring('sourceAddr', 21, S.ESME_RINVSRCADR),
      time('scheduleDeliveryTime'),
      time('validityPeriod'),
      int8('registeredDelivery'),
      int8('smDefaultMsgId'),
      shortMessage,
    ],
    tlvs: false,
  },
  replace_sm_resp: empty,
  cancel_sm: {
    fields: [
      cstring('serviceType', 6, S.ESME_RINVSERTYP),
      cstring('messageId', 65, S.ESME_RINVMSGID),
      int8('sourceAddrTon'),
      int8('sourceAddrNpi'),
      cstring('sourceAddr', 21, S.ESME_RINVSRCADR),
      int8('destAddrTon'),
      int8('destAddrNpi'),
      cstring('destinationAddr', 21, S.ESME_RINVDSTADR),
    ],
    tlvs: false,
  },
  cancel_sm_resp: empty,
  bind_transceiver: bind,
  bind_transceiver_resp: bindResp,
  outbind: { fields: [cstring('systemId', 16, S.ESME_RINVSYSID), cstring('password', 9, S.ESME_RINVPASWD)], tlvs: false },
  enquire_link: empty,
  enquire_link_resp: empty,
  submit_multi: {
    fields: [
      cstring('serviceType', 6, S.ESME_RINVSERTYP),
      int8('sourceAddrTon'),
      int8('sourceAddrNpi'),
      cstring('sourceAddr', 21, S.ESME_RINVSRCADR),
      { kind: 'destAddresses', name: 'destAddresses' },
      int8('esmClass'),
      int8('protocolId'),
      int8('priorityFlag'),
      time('scheduleDeliveryTime'),
      time('validityPeriod'),
      int8('registeredDelivery'),
      int8('replaceIfPresentFlag'),
      int8('dataCoding'),
      int8('smDefaultMsgId'),
      shortMessage,
    ],
    tlvs: true,
  },
  submit_multi_resp: {
    fields: [cstring('messageId', 65, S.ESME_RINVMSGID), { kind: 'unsuccessSmes', name: 'unsuccessSmes' }],
    tlvs: false,
  },
  alert_notification: {
    fields: [
      int8('sourceAddrTon'),
      int8('sourceAddrNpi'),
      cstring('sourceAddr', 65, S.ESME_RINVSRCADR),
      int8('esmeAddrTon'),
      int8('esmeAddrNpi'),
      cstring('esmeAddr', 65, S.ESME_RINVDSTADR),
    ],
    tlvs: true,
  },
  data_sm: {
    fields: [
      cstring('serviceType', 6, S.ESME_RINVSERTYP),
      int8('sourceAddrTon'),
      int8('sourceAddrNpi'),
      cstring('sourceAddr', 65, S.ESME_RINVSRCADR),
      int8('destAddrTon'),
      int8('destAddrNpi'),
      cstring('destinationAddr', 65, S.ESME_RINVDSTADR),
      int8('esmClass'),
      int8('registeredDelivery'),
      int8('dataCoding'),
    ],
    tlvs: true,
  },
  data_sm_resp: { fields: [cstring('messageId', 65, S.ESME_RINVMSGID)], tlvs: true },
};

/** The value a field takes when a response with a non-zero status omits its body. */
export function emptyFieldValue(field: BodyField): unknown {
  switch (field.kind) {
    case 'int8':
      return 0;
    case 'cstring':
    case 'time':
      return '';
    case 'shortMessage':
      return Buffer.alloc(0);
    case 'destAddresses':
    case 'unsuccessSmes':
      return [];
  }
}
