export { CommandId, commandName, commandIdOf, describeCommandId, isResponseCommandId, responseCommandIdFor } from './codec/command-id';
export type { CommandIdName, CommandName } from './codec/command-id';
export { CommandStatus, commandStatusName, isRetriableStatus } from './codec/command-status';
export type { CommandStatusName } from './codec/command-status';
export { TlvTag, tlvDefinition, tlvTagName, fixedTlvLength } from './codec/tlv-tag';
export type { TlvTagName, TlvValueType, TlvDefinition } from './codec/tlv-tag';
export { getTlv, getTlvs, getTlvNumber, getTlvString, getTlvBuffer, decodeTlvValue, encodeTlvValue, createTlv } from './codec/tlv';
export type { TlvValue } from './codec/tlv';
export { DestFlag } from './codec/pdu';
export type * from './codec/pdu';
export { encodePdu, decodePdu, PDU_HEADER_LENGTH, DEFAULT_MAX_PDU_LENGTH } from './codec/pdu-codec';
export type { PduCodecOptions } from './codec/pdu-codec';
export { MAX_SHORT_MESSAGE_LENGTH } from './codec/pdu-body';
export { PduFramer } from './codec/pdu-framer';
export type { PduFramerOptions } from './codec/pdu-framer';
export { SMPP_INTERFACE_VERSION_34, Ton, Npi, EsmClass, isDeliveryReceipt, RegisteredDelivery, MessageState } from './codec/field-values';

export { SmppError } from './errors/smpp-error';
export type { SmppErrorCode, SmppErrorOptions } from './errors/smpp-error';
export { SmppCommandError } from './errors/smpp-command-error';
export { SmppDecodeError } from './errors/smpp-decode-error';

export { SmppSession } from './session/smpp-session';
export type { SmppSocket, OutgoingRequest, ResponseBody, SessionState, SmppSessionEvents } from './session/smpp-session';
export { DEFAULT_SESSION_OPTIONS, resolveSessionOptions } from './session/smpp-session-options';
export type { SmppSessionOptions } from './session/smpp-session-options';
export { silentSmppLogger } from './session/smpp-logger';
export type { SmppLogger } from './session/smpp-logger';

export * from './text';
