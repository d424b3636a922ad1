import type { DataSm, DeliverSm, PduBody, SubmitSm } from './pdu';

/**
 * Values for the submit_sm/deliver_sm fields a caller leaves out. Zero is the spec's "default" or
 * "unknown" for every integer field; an empty C-string is its NULL (immediate delivery, SMSC
 * default validity, no service type). TON/NPI 0 lets the SMSC interpret the address; set them
 * explicitly when the operator requires international format.
 */
export const SHORT_MESSAGE_DEFAULTS = Object.freeze({
  serviceType: '',
  sourceAddrTon: 0,
  sourceAddrNpi: 0,
  sourceAddr: '',
  destAddrTon: 0,
  destAddrNpi: 0,
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 0,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
});

/** submit_sm body fields; everything but the destination and the message has a default. */
export type SubmitSmFields = Partial<PduBody<SubmitSm>> & Pick<SubmitSm, 'destinationAddr' | 'shortMessage'>;

/** deliver_sm body fields; the subscriber (source), short code (destination) and message are required. */
export type DeliverSmFields = Partial<PduBody<DeliverSm>> & Pick<DeliverSm, 'sourceAddr' | 'destinationAddr' | 'shortMessage'>;

/** The whole submit_sm body with defaults filled in. */
export function submitSmBody(fields: SubmitSmFields): PduBody<SubmitSm> {
  return { ...SHORT_MESSAGE_DEFAULTS, tlvs: [], ...withoutUndefined(fields) } as PduBody<SubmitSm>;
}

/** The whole deliver_sm body with defaults filled in. */
export function deliverSmBody(fields: DeliverSmFields): PduBody<DeliverSm> {
  return { ...SHORT_MESSAGE_DEFAULTS, tlvs: [], ...withoutUndefined(fields) } as PduBody<DeliverSm>;
}

function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * A data_sm seen as a deliver_sm, so one handler serves both. data_sm has a subset of the
 * deliver_sm fields; the rest take their defaults, shortMessage is empty and the text stays in the
 * message_payload TLV (which the spec says replaces short_message). `commandId` keeps the data_sm
 * id so a reader can still tell the difference.
 */
export function dataSmAsDeliverSm(pdu: DataSm): DeliverSm {
  return {
    ...SHORT_MESSAGE_DEFAULTS,
    command: 'deliver_sm',
    commandId: pdu.commandId,
    commandStatus: pdu.commandStatus,
    sequenceNumber: pdu.sequenceNumber,
    serviceType: pdu.serviceType,
    sourceAddrTon: pdu.sourceAddrTon,
    sourceAddrNpi: pdu.sourceAddrNpi,
    sourceAddr: pdu.sourceAddr,
    destAddrTon: pdu.destAddrTon,
    destAddrNpi: pdu.destAddrNpi,
    destinationAddr: pdu.destinationAddr,
    esmClass: pdu.esmClass,
    registeredDelivery: pdu.registeredDelivery,
    dataCoding: pdu.dataCoding,
    shortMessage: Buffer.alloc(0),
    tlvs: pdu.tlvs,
  };
}
