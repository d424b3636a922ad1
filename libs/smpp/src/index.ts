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
export { bindCommandFor, bindTypeOf } from './codec/bind-type';
export type { BindType, BindCommand } from './codec/bind-type';
export { SHORT_MESSAGE_DEFAULTS, submitSmBody, deliverSmBody, dataSmAsDeliverSm } from './codec/pdu-defaults';
export type { SubmitSmFields, DeliverSmFields } from './codec/pdu-defaults';
export {
  formatRelativeTime,
  formatAbsoluteTime,
  parseRelativeTime,
  parseAbsoluteTime,
  parseSmppTime,
  readSmppTime,
  MAX_RELATIVE_TIME_MS,
  type SmppTime,
} from './codec/smpp-time';
export {
  SMPP_INTERFACE_VERSION_34,
  Ton,
  Npi,
  EsmClass,
  ESM_CLASS_GSM_FEATURES,
  ESM_CLASS_MESSAGE_TYPE,
  RegisteredDelivery,
  MessageState,
} from './codec/field-values';

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

export { EsmeClient, BIND_CREDENTIAL_STATUSES } from './client/esme-client';
export type { EsmeClientOptions, EsmeClientEvents, DeliverSmHandler } from './client/esme-client';
export { reconnectDelayMs, authFailureDelayMs, DEFAULT_RECONNECT_OPTIONS } from './client/reconnect-backoff';
export type { ReconnectOptions } from './client/reconnect-backoff';
export { startOperatorBinds, operatorClientTls } from './client/operator-binds';
export type { OperatorBindsOptions, OperatorClientLink, OperatorBindType } from './client/operator-binds';

export { SmscServer } from './server/smsc-server';
export type { SmscServerOptions, SmscServerEvents, BindRequest, BindDecision, BindFailure } from './server/smsc-server';
export { ServerSession } from './server/server-session';
export type { ServerSessionEvents, ServerSessionInfo, SubmitSmHandler, SubmitSmResult } from './server/server-session';
export { OperatorServer, BIND_REFUSAL_STATUS } from './server/operator-server';
export type {
  OperatorServerOptions,
  OperatorServerLink,
  OperatorServerDirection,
  OperatorBindCheck,
  OperatorBindVerdict,
  OperatorBindRefusalReason,
} from './server/operator-server';

export * from './text';
export * from './receipts';
export { LeasedBinds, holdOperatorBinds } from './client/leased-binds';
export type { BindBudget, HeldBind, HeldOperatorBinds, LeasedBindsOptions } from './client/leased-binds';
