export { Topics, TOPIC_SPECS } from './topics/topics';
export type { TopicName, TopicSpec } from './topics/topics';
export type { MoMessageV1 } from './messages/mo-message';
export type { MtMessageV1, ReplyKind, ReplyLanguage } from './messages/mt-message';
export type { DeadLetterV1 } from './messages/dead-letter';
export type { DlrMessageV1, DlrState } from './messages/dlr-message';
export { ContractError } from './codec/contract-error';
export { encodeMessage, decodeMo, decodeMt, decodeDeadLetter, decodeDlr, mtIdFor } from './codec/message-codec';
