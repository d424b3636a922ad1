import type { CommandName } from './command-id';

/** An optional parameter as it travels: the value stays raw so unknown tags survive a round trip. */
export interface Tlv {
  tag: number;
  value: Buffer;
}

/** The 16-byte header every PDU starts with (command_length is derived when encoding). */
export interface PduHeader<C extends CommandName> {
  command: C;
  commandId: number;
  commandStatus: number;
  sequenceNumber: number;
}

/** bind_transmitter, bind_receiver and bind_transceiver share one body (sections 4.1.1, 4.1.3, 4.1.5). */
export interface BindBody {
  systemId: string;
  password: string;
  systemType: string;
  interfaceVersion: number;
  addrTon: number;
  addrNpi: number;
  addressRange: string;
}

/** Every bind_*_resp (sections 4.1.2, 4.1.4, 4.1.6). */
export interface BindRespBody {
  systemId: string;
  tlvs: Tlv[];
}

/** submit_sm (4.4.1) and deliver_sm (4.6.1) have the same fields in the same order. */
export interface ShortMessageBody {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  /** Up to 254 octets; sm_length is derived from it. Longer payloads go in the message_payload TLV. */
  shortMessage: Buffer;
  tlvs: Tlv[];
}

export interface MessageIdBody {
  messageId: string;
}

export interface BindTransmitter extends PduHeader<'bind_transmitter'>, BindBody {}
export interface BindTransmitterResp extends PduHeader<'bind_transmitter_resp'>, BindRespBody {}
export interface BindReceiver extends PduHeader<'bind_receiver'>, BindBody {}
export interface BindReceiverResp extends PduHeader<'bind_receiver_resp'>, BindRespBody {}
export interface BindTransceiver extends PduHeader<'bind_transceiver'>, BindBody {}
export interface BindTransceiverResp extends PduHeader<'bind_transceiver_resp'>, BindRespBody {}

/** outbind (4.1.7): the SMSC asks an ESME to bind back to it. */
export interface Outbind extends PduHeader<'outbind'> {
  systemId: string;
  password: string;
}

export type Unbind = PduHeader<'unbind'>;
export type UnbindResp = PduHeader<'unbind_resp'>;
export type EnquireLink = PduHeader<'enquire_link'>;
export type EnquireLinkResp = PduHeader<'enquire_link_resp'>;
export type GenericNack = PduHeader<'generic_nack'>;

export interface SubmitSm extends PduHeader<'submit_sm'>, ShortMessageBody {}
export interface SubmitSmResp extends PduHeader<'submit_sm_resp'>, MessageIdBody {}
export interface DeliverSm extends PduHeader<'deliver_sm'>, ShortMessageBody {}
/** message_id is unused in deliver_sm_resp and always empty. */
export interface DeliverSmResp extends PduHeader<'deliver_sm_resp'>, MessageIdBody {}

/** data_sm (4.7.1): the message text travels in the message_payload TLV. */
export interface DataSm extends PduHeader<'data_sm'> {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  esmClass: number;
  registeredDelivery: number;
  dataCoding: number;
  tlvs: Tlv[];
}
export interface DataSmResp extends PduHeader<'data_sm_resp'>, MessageIdBody {
  tlvs: Tlv[];
}

/** query_sm (4.8.1). */
export interface QuerySm extends PduHeader<'query_sm'>, MessageIdBody {
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
}
export interface QuerySmResp extends PduHeader<'query_sm_resp'>, MessageIdBody {
  finalDate: string;
  messageState: number;
  errorCode: number;
}

/** cancel_sm (4.9.1). */
export interface CancelSm extends PduHeader<'cancel_sm'> {
  serviceType: string;
  messageId: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
}
export type CancelSmResp = PduHeader<'cancel_sm_resp'>;

/** replace_sm (4.10.1). */
export interface ReplaceSm extends PduHeader<'replace_sm'>, MessageIdBody {
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
}
export type ReplaceSmResp = PduHeader<'replace_sm_resp'>;

/** alert_notification (4.12.1): no response is defined for it. */
export interface AlertNotification extends PduHeader<'alert_notification'> {
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  esmeAddrTon: number;
  esmeAddrNpi: number;
  esmeAddr: string;
  tlvs: Tlv[];
}

/** dest_flag values of a submit_multi destination (4.5.1.1). */
export const DestFlag = { SME_ADDRESS: 1, DISTRIBUTION_LIST: 2 } as const;

export type MultiDestination =
  | { destFlag: typeof DestFlag.SME_ADDRESS; destAddrTon: number; destAddrNpi: number; destinationAddr: string }
  | { destFlag: typeof DestFlag.DISTRIBUTION_LIST; dlName: string };

/** submit_multi (4.5.1): submit_sm with a list of destinations in place of one address. */
export interface SubmitMulti extends PduHeader<'submit_multi'> {
  serviceType: string;
  sourceAddrTon: number;
  sourceAddrNpi: number;
  sourceAddr: string;
  destAddresses: MultiDestination[];
  esmClass: number;
  protocolId: number;
  priorityFlag: number;
  scheduleDeliveryTime: string;
  validityPeriod: string;
  registeredDelivery: number;
  replaceIfPresentFlag: number;
  dataCoding: number;
  smDefaultMsgId: number;
  shortMessage: Buffer;
  tlvs: Tlv[];
}

/** One destination the SMSC could not accept (4.5.2.1). */
export interface UnsuccessSme {
  destAddrTon: number;
  destAddrNpi: number;
  destinationAddr: string;
  errorStatusCode: number;
}
export interface SubmitMultiResp extends PduHeader<'submit_multi_resp'>, MessageIdBody {
  unsuccessSmes: UnsuccessSme[];
}

export type Pdu =
  | GenericNack
  | BindReceiver
  | BindReceiverResp
  | BindTransmitter
  | BindTransmitterResp
  | QuerySm
  | QuerySmResp
  | SubmitSm
  | SubmitSmResp
  | DeliverSm
  | DeliverSmResp
  | Unbind
  | UnbindResp
  | ReplaceSm
  | ReplaceSmResp
  | CancelSm
  | CancelSmResp
  | BindTransceiver
  | BindTransceiverResp
  | Outbind
  | EnquireLink
  | EnquireLinkResp
  | SubmitMulti
  | SubmitMultiResp
  | AlertNotification
  | DataSm
  | DataSmResp;

export type PduCommand = Pdu['command'];
export type PduOf<C extends PduCommand> = Extract<Pdu, { command: C }>;

export type ResponsePdu = Extract<Pdu, { command: `${string}_resp` | 'generic_nack' }>;
export type RequestPdu = Exclude<Pdu, ResponsePdu>;
export type RequestCommand = RequestPdu['command'];
export type ResponseCommand = ResponsePdu['command'];

/** Requests the peer must answer; outbind and alert_notification have no response PDU. */
export type AnsweredRequestCommand = Exclude<RequestCommand, 'outbind' | 'alert_notification'>;
export type AnsweredRequestPdu = PduOf<AnsweredRequestCommand>;

/** The response PDU type for a request command: `ResponseFor<'submit_sm'>` is SubmitSmResp. */
export type ResponseFor<C extends AnsweredRequestCommand> = PduOf<`${C}_resp` & PduCommand>;

/** The fields after the header. */
export type PduBody<P extends Pdu> = Omit<P, 'command' | 'commandId' | 'commandStatus' | 'sequenceNumber'>;

/**
 * A PDU as a caller hands it to a session: the command_id follows from `command`, the session
 * assigns the sequence number, and command_status defaults to 0.
 */
export type OutgoingPdu<P extends Pdu = Pdu> = P extends Pdu ? Omit<P, 'commandId' | 'commandStatus' | 'sequenceNumber'> & { commandStatus?: number } : never;

/** What `encodePdu` accepts: a Pdu whose commandId may be left out (it follows from `command`). */
export type EncodablePdu<P extends Pdu = Pdu> = P extends Pdu ? Omit<P, 'commandId'> & { commandId?: number } : never;
