import { MessageState } from '../codec/field-values';
import type { DeliverSm } from '../codec/pdu';
import { getTlvBuffer, getTlvNumber, getTlvString } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import { SmppError } from '../errors/smpp-error';
import { alphabetOf } from '../text/data-coding';
import { decodeUcs2 } from '../text/ucs2';
import { normaliseMessageId, type MessageIdFormat } from './message-id';

/**
 * What a receipt reports: the message_state names of SMPP 3.4 (5.2.28), SKIPPED of SMPP 5.0, and
 * BUFFERED, which only receipt text carries (`stat:BUFFRED`: the SMSC holds the message for a retry).
 */
export type DeliveryState = 'DELIVERED' | 'EXPIRED' | 'DELETED' | 'UNDELIVERABLE' | 'ACCEPTED' | 'UNKNOWN' | 'REJECTED' | 'ENROUTE' | 'BUFFERED' | 'SKIPPED';

/**
 * The states another receipt follows: the message is on its way (ENROUTE), taken by the SMSC or
 * the network (ACCEPTED: `stat:ACCEPTD` or `stat:ACKED`), or held for a retry (BUFFERED). SMPP 3.4
 * gives ACCEPTED as "read by customer service on the subscriber's behalf", a final state, but SMSCs
 * send it as an acknowledgement that a DELIVRD or a failure follows (Kannel reads ACCEPTD, ACKED and
 * BUFFRED all as "buffered"). Every other state is final; so is an explicit UNKNOWN (the SMSC has
 * lost the message), while a state that cannot be read at all is UNKNOWN and not final.
 */
export const INTERMEDIATE_DELIVERY_STATES: ReadonlySet<DeliveryState> = new Set<DeliveryState>(['ENROUTE', 'ACCEPTED', 'BUFFERED']);

export interface DeliveryReceipt {
  /** The SMSC message id exactly as the receipt carried it (the TLV when present, else the text). */
  messageId: string;
  /** Candidate keys of that id (and of the text id when it differs), canonical first: see normaliseMessageId. */
  normalisedIds: string[];
  state: DeliveryState;
  /** True when the state will not change any more (see INTERMEDIATE_DELIVERY_STATES). An unrecognised or missing state is not final. */
  final: boolean;
  /** The text `err:` field, else the network_error_code TLV as `<network type>:<code>`. */
  errorCode?: string;
  /** `submit date:` as written (YYMMDDhhmm[ss], SMSC local time: no zone is given). */
  submitDate?: string;
  /** `done date:` as written. */
  doneDate?: string;
}

const STATE_BY_NUMBER: ReadonlyMap<number, DeliveryState> = new Map(
  (Object.entries(MessageState) as Array<[DeliveryState, number]>).map(([name, value]) => [value, name]),
);

/** The seven-letter stat words of the de-facto text format (SMPP 3.4 appendix B), and spelled-out variants seen in the field. */
const STATE_BY_WORD: ReadonlyMap<string, DeliveryState> = new Map([
  ['DELIVRD', 'DELIVERED'],
  ['DELIVERED', 'DELIVERED'],
  ['EXPIRED', 'EXPIRED'],
  ['DELETED', 'DELETED'],
  ['UNDELIV', 'UNDELIVERABLE'],
  ['UNDELIVERABLE', 'UNDELIVERABLE'],
  ['FAILED', 'UNDELIVERABLE'],
  ['ACCEPTD', 'ACCEPTED'],
  ['ACCEPTED', 'ACCEPTED'],
  ['ACKED', 'ACCEPTED'],
  ['UNKNOWN', 'UNKNOWN'],
  ['REJECTD', 'REJECTED'],
  ['REJECTED', 'REJECTED'],
  ['ENROUTE', 'ENROUTE'],
  ['BUFFRED', 'BUFFERED'],
  ['BUFFERD', 'BUFFERED'],
  ['BUFFERED', 'BUFFERED'],
  ['SKIPPED', 'SKIPPED'],
]);

const KEY = /(?:^|\s)(id|sub|dlvrd|submit\s*date|done\s*date|stat|err|text)\s*:/gi;

/** Splits `id:... sub:... stat:... text:...` into lower-cased keys; `text:` takes the rest, whatever it holds. */
export function parseReceiptText(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const matches = [...text.matchAll(KEY)];
  for (let i = 0; i < matches.length; i++) {
    const key = matches[i][1].toLowerCase().replace(/\s+/g, ' ');
    const start = (matches[i].index ?? 0) + matches[i][0].length;
    if (key === 'text') {
      fields.set(key, text.slice(start).trim());
      break;
    }
    const end = i + 1 < matches.length ? (matches[i + 1].index ?? text.length) : text.length;
    if (!fields.has(key)) fields.set(key, text.slice(start, end).trim());
  }
  return fields;
}

/** The text of a receipt-like PDU: message_payload when present, UCS-2 when so coded, else byte for byte. */
export function receiptText(pdu: Pick<DeliverSm, 'tlvs' | 'shortMessage' | 'dataCoding'>): string {
  const bytes = getTlvBuffer(pdu, TlvTag.message_payload) ?? pdu.shortMessage;
  if (alphabetOf(pdu.dataCoding) === 'ucs2' && bytes.length % 2 === 0) return decodeUcs2(bytes);
  // The receipt text is ASCII in practice; latin1 reads it byte for byte whatever the data_coding says.
  return bytes.toString('latin1');
}

function networkErrorCode(pdu: DeliverSm): string | undefined {
  const value = getTlvBuffer(pdu, TlvTag.network_error_code);
  if (value === undefined || value.length !== 3) return undefined;
  return `${value.readUInt8(0)}:${value.readUInt16BE(1)}`;
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export interface ParseDeliveryReceiptOptions {
  /** How this SMSC's receipts write the message id against its submit_sm_resp (normaliseMessageId). Default auto. */
  messageIdFormat?: MessageIdFormat;
}

/**
 * Reads an SMSC delivery receipt from a deliver_sm (or a data_sm seen as one). The TLVs
 * (receipted_message_id, message_state, network_error_code) win over the text form when both
 * are present, since they are typed; the text fills whatever the TLVs leave out. Returns null
 * when no message id can be found, which is the one thing a receipt cannot do without.
 * The caller decides that the PDU is a receipt (see deliveryKind).
 */
export function parseDeliveryReceipt(pdu: DeliverSm, options: ParseDeliveryReceiptOptions = {}): DeliveryReceipt | null {
  const fields = parseReceiptText(receiptText(pdu));
  const tlvId = safely(() => getTlvString(pdu, TlvTag.receipted_message_id))?.trim();
  const textId = fields.get('id')?.split(/\s+/)[0];
  const messageId = tlvId || textId;
  if (!messageId) return null;
  const format = options.messageIdFormat;
  const normalisedIds = [...new Set([...normaliseMessageId(messageId, format), ...(textId && textId !== messageId ? normaliseMessageId(textId, format) : [])])];
  if (normalisedIds.length === 0) return null;

  const stateNumber = safely(() => getTlvNumber(pdu, TlvTag.message_state));
  const stateWord = fields.get('stat')?.split(/\s+/)[0]?.toUpperCase();
  const known = (stateNumber !== undefined ? STATE_BY_NUMBER.get(stateNumber) : undefined) ?? (stateWord ? STATE_BY_WORD.get(stateWord) : undefined);
  const state: DeliveryState = known ?? 'UNKNOWN';

  const receipt: DeliveryReceipt = { messageId, normalisedIds, state, final: known !== undefined && !INTERMEDIATE_DELIVERY_STATES.has(state) };
  const err = fields.get('err')?.split(/\s+/)[0];
  const errorCode = err || networkErrorCode(pdu);
  if (errorCode) receipt.errorCode = errorCode;
  const submitDate = fields.get('submit date')?.split(/\s+/)[0];
  if (submitDate) receipt.submitDate = submitDate;
  const doneDate = fields.get('done date')?.split(/\s+/)[0];
  if (doneDate) receipt.doneDate = doneDate;
  return receipt;
}

/** The stat words a receipt text is written with: the seven-letter forms of SMPP 3.4 appendix B, and BUFFRED and SKIPPED. */
export type ReceiptStatWord = 'DELIVRD' | 'EXPIRED' | 'DELETED' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN' | 'REJECTD' | 'ENROUTE' | 'BUFFRED' | 'SKIPPED';

/** The stat word of each message state; parseDeliveryReceipt reads each back as that state. */
export const RECEIPT_STAT_WORD: Readonly<Record<DeliveryState, ReceiptStatWord>> = {
  DELIVERED: 'DELIVRD',
  EXPIRED: 'EXPIRED',
  DELETED: 'DELETED',
  UNDELIVERABLE: 'UNDELIV',
  ACCEPTED: 'ACCEPTD',
  UNKNOWN: 'UNKNOWN',
  REJECTED: 'REJECTD',
  ENROUTE: 'ENROUTE',
  BUFFERED: 'BUFFRED',
  SKIPPED: 'SKIPPED',
};

/** What a receipt text says, in neutral form; formatReceiptText writes it. */
export interface ReceiptTextFields {
  /** The message id as the text shows it (see formatReceiptId): no whitespace. */
  id: string;
  /** `sub:`, parts submitted. Default 1. */
  sub?: number;
  /** `dlvrd:`, parts delivered. */
  dlvrd: number;
  /** `submit date:`; a Date is written by formatReceiptDate, a string as given. */
  submitDate: Date | string;
  /** `done date:`, likewise. */
  doneDate: Date | string;
  stat: ReceiptStatWord;
  /** `err:`, an SMSC- or network-specific code; a number is written as three digits. */
  err: number | string;
  /** The message's text; `text:` shows its sample (see receiptTextSample). Default ''. */
  text?: string;
}

const two = (n: number): string => String(n).padStart(2, '0');
const three = (n: number | string): string => (typeof n === 'number' ? String(n).padStart(3, '0') : n);

/** YYMMDDhhmm in UTC, the date form of the receipt text (SMPP 3.4 appendix B). */
export function formatReceiptDate(at: Date): string {
  return `${two(at.getUTCFullYear() % 100)}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}${two(at.getUTCHours())}${two(at.getUTCMinutes())}`;
}

/**
 * A hex message id as a receipt text shows it: as it is, or as the decimal value of the same
 * number, which some SMSCs write (normaliseMessageId relates the two forms again).
 */
export function formatReceiptId(messageId: string, form: 'hex' | 'decimal'): string {
  if (form === 'hex') return messageId;
  if (!/^[0-9a-f]+$/i.test(messageId)) throw new SmppError('INVALID_PDU', `message id ${JSON.stringify(messageId)} is not hexadecimal`);
  return BigInt(`0x${messageId}`).toString(10);
}

/**
 * The `text:` field: the first 20 characters of the message, printable ASCII only (anything else
 * becomes '?'), since the receipt goes as data_coding 0 and ESMEs read it with patterns.
 */
export function receiptTextSample(text: string): string {
  return [...text.slice(0, 20)].map((c) => (c >= ' ' && c <= '~' ? c : '?')).join('');
}

/**
 * The de-facto receipt text (SMPP 3.4 appendix B):
 * `id:… sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:…`.
 * parseDeliveryReceipt reads back every field it writes.
 */
export function formatReceiptText(fields: ReceiptTextFields): string {
  if (fields.id === '' || /\s/.test(fields.id)) throw new SmppError('INVALID_PDU', `receipt id ${JSON.stringify(fields.id)} is empty or holds whitespace`);
  const date = (d: Date | string): string => (typeof d === 'string' ? d : formatReceiptDate(d));
  return (
    `id:${fields.id} sub:${three(fields.sub ?? 1)} dlvrd:${three(fields.dlvrd)} ` +
    `submit date:${date(fields.submitDate)} done date:${date(fields.doneDate)} ` +
    `stat:${fields.stat} err:${three(fields.err)} text:${receiptTextSample(fields.text ?? '')}`
  );
}
