export { Topics, TOPIC_SPECS, TOPIC_PROFILES, topicSpecsFor, isTopicProfileName } from './topics/topics';
export type { TopicName, TopicSpec, TopicProfile, TopicProfileName, ReplicatedTopicSpec } from './topics/topics';
export type { MoMessageV2, MoRequest, CnicPseudonym, InvalidReason } from './messages/mo-message';
export { CNIC_NEIGHBOURHOOD } from './messages/mo-message';
export type { MtMessageV1, ReplyKind, ReplyLanguage } from './messages/mt-message';
export type { DeadLetterV1 } from './messages/dead-letter';
export type { DlrMessageV1, DlrState } from './messages/dlr-message';
export { ContractError } from './codec/contract-error';
export { encodeMessage, decodeMo, decodeMt, decodeDeadLetter, decodeDlr, mtIdFor } from './codec/message-codec';
