export {
  GSM7_ESCAPE,
  canEncodeGsm7,
  decodeGsm7,
  encodeGsm7,
  encodeGsm7Char,
  gsm7CharLength,
  gsm7PaddingBits,
  gsm7SeptetCount,
  packGsm7,
  replaceGsm7LookAlikes,
  unpackGsm7,
  unpackGsm7Payload,
} from './gsm7';
export { decodeUcs2, encodeUcs2 } from './ucs2';
export { DataCoding, alphabetOf, decodeShortMessage } from './data-coding';
export type { DecodeShortMessageOptions, SmsAlphabet } from './data-coding';
export { ESM_CLASS_UDHI, UdhIei, buildConcatUdh, parseUdh } from './udh';
export type { ConcatInfo, ParsedUdh, UdhElement } from './udh';
export { SmsLimits, segmentForSms } from './segmenter';
export type { DefaultAlphabet, SegmentOptions, SegmentationMode, SegmentedSms, SmsSegment } from './segmenter';
export { ConcatReassembler } from './reassembler';
export type {
  CollectedConcat,
  ConcatCollectResult,
  ConcatDropReason,
  ConcatPart,
  ConcatReassemblerOptions,
  DroppedConcat,
  ExpiredConcat,
  ReassembledMessage,
  ReassemblyClock,
} from './reassembler';
export { ConcatReader, decodeText, userDataOf } from './concat-reader';
export type {
  CompleteSms,
  ConcatDrop,
  ConcatPartInfo,
  ConcatReadResult,
  ConcatReaderOptions,
  ConcatScheme,
  DecodedText,
  SmsUserDataFields,
  UserData,
} from './concat-reader';
export { SmsTextError, SmsTextErrorCode } from './sms-text-error';
