import { ContractError } from './contract-error';
import type { DeadLetterV1 } from '../messages/dead-letter';
import type { DlrMessageV1, DlrState } from '../messages/dlr-message';
import type { CnicPseudonym, InvalidReason, MoMessageV2, MoRequest } from '../messages/mo-message';
import type { MtMessageV1, ReplyKind, ReplyLanguage } from '../messages/mt-message';

// Hand-written guards instead of a schema library: contracts have no runtime dependencies, and
// these run once per message on the hot path, so they stay flat and allocation-free.

type Json = Record<string, unknown>;

function parse(value: Buffer | string | null, what: string): Json {
  if (value === null) throw new ContractError(`${what}: empty record`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch {
    throw new ContractError(`${what}: not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ContractError(`${what}: not an object`);
  }
  return parsed as Json;
}

function str(o: Json, key: string, what: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ContractError(`${what}: ${key} must be a string`);
  return v;
}

function num(o: Json, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ContractError(`${what}: ${key} must be a number`);
  return v;
}

function bool(o: Json, key: string, what: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ContractError(`${what}: ${key} must be a boolean`);
  return v;
}

function optionalStr(o: Json, key: string, what: string): string | undefined {
  return o[key] === undefined ? undefined : str(o, key, what);
}

function strings(o: Json, key: string, what: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string')) {
    throw new ContractError(`${what}: ${key} must be a non-empty array of strings`);
  }
  return v as string[];
}

function version(o: Json, what: string): 1 {
  if (o['v'] !== 1) throw new ContractError(`${what}: unsupported version ${String(o['v'])}`);
  return 1;
}

function object(o: Json, key: string, what: string): Json {
  const v = o[key];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ContractError(`${what}: ${key} must be an object`);
  return v as Json;
}

function language(o: Json, what: string): ReplyLanguage {
  const lang = str(o, 'lang', what);
  if (!LANGUAGES.has(lang)) throw new ContractError(`${what}: unknown lang ${lang}`);
  return lang as ReplyLanguage;
}

/** base64url of a 16-to-64-byte digest: nothing else (no digits, no text) passes as a hash. */
const HASH_TEXT = /^[A-Za-z0-9_-]{22,86}$/;

function cnicPseudonym(o: Json, what: string): CnicPseudonym {
  const hashesIn = object(o, 'hashes', what);
  const hashes: Record<string, string> = {};
  for (const [pepperId, hash] of Object.entries(hashesIn)) {
    if (typeof hash !== 'string' || !HASH_TEXT.test(hash)) throw new ContractError(`${what}: cnic hash for pepper ${pepperId} is not a hash`);
    hashes[pepperId] = hash;
  }
  if (Object.keys(hashes).length === 0) throw new ContractError(`${what}: cnic carries no hash`);
  const near = o['near'];
  if (!Array.isArray(near) || near.length !== 2 || !near.every((h) => typeof h === 'string' && HASH_TEXT.test(h))) {
    throw new ContractError(`${what}: cnic near must be two hashes`);
  }
  return { hashes, near: [near[0] as string, near[1] as string] };
}

function moRequest(o: Json, what: string): MoRequest {
  const lang = language(o, what);
  const kind = str(o, 'kind', what);
  switch (kind) {
    case 'lookup':
      return { kind, lang, cnic: cnicPseudonym(object(o, 'cnic', what), what) };
    case 'help':
      return { kind, lang };
    case 'invalid': {
      const reason = str(o, 'reason', what);
      if (!INVALID_REASONS.has(reason)) throw new ContractError(`${what}: unknown invalid reason ${reason}`);
      return { kind, reason: reason as InvalidReason, lang };
    }
    default:
      throw new ContractError(`${what}: unknown request kind ${kind}`);
  }
}

const REPLY_KINDS: ReadonlySet<string> = new Set<ReplyKind>(['found', 'not_found', 'invalid', 'help', 'busy', 'refused']);
const LANGUAGES: ReadonlySet<string> = new Set<ReplyLanguage>(['ur', 'en']);
const INVALID_REASONS: ReadonlySet<string> = new Set<InvalidReason>(['empty', 'no_number', 'wrong_length', 'bad_region', 'several_numbers']);
const DLR_STATES: ReadonlySet<string> = new Set<DlrState>([
  'DELIVERED',
  'EXPIRED',
  'DELETED',
  'UNDELIVERABLE',
  'ACCEPTED',
  'UNKNOWN',
  'REJECTED',
  'ENROUTE',
  'BUFFERED',
  'SKIPPED',
]);

export function encodeMessage(message: MoMessageV2 | MtMessageV1 | DlrMessageV1 | DeadLetterV1): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8');
}

export function decodeMo(value: Buffer | string | null): MoMessageV2 {
  const w = 'sms.mo.v2';
  const o = parse(value, w);
  if (o['v'] !== 2) throw new ContractError(`${w}: unsupported version ${String(o['v'])}`);
  return {
    v: 2,
    id: str(o, 'id', w),
    operator: str(o, 'operator', w),
    msisdn: str(o, 'msisdn', w),
    shortCode: str(o, 'shortCode', w),
    request: moRequest(object(o, 'request', w), w),
    textLength: num(o, 'textLength', w),
    dataCoding: num(o, 'dataCoding', w),
    receivedAt: num(o, 'receivedAt', w),
  };
}

export function decodeMt(value: Buffer | string | null): MtMessageV1 {
  const w = 'sms.mt.v1';
  const o = parse(value, w);
  const kind = str(o, 'kind', w);
  const lang = str(o, 'lang', w);
  if (!REPLY_KINDS.has(kind)) throw new ContractError(`${w}: unknown kind ${kind}`);
  if (!LANGUAGES.has(lang)) throw new ContractError(`${w}: unknown lang ${lang}`);
  return {
    v: version(o, w),
    id: str(o, 'id', w),
    moId: str(o, 'moId', w),
    operator: str(o, 'operator', w),
    msisdn: str(o, 'msisdn', w),
    shortCode: str(o, 'shortCode', w),
    text: str(o, 'text', w),
    lang: lang as ReplyLanguage,
    kind: kind as ReplyKind,
    moReceivedAt: num(o, 'moReceivedAt', w),
    createdAt: num(o, 'createdAt', w),
    expiresAt: num(o, 'expiresAt', w),
  };
}

export function decodeDlr(value: Buffer | string | null): DlrMessageV1 {
  const w = 'sms.dlr.v1';
  const o = parse(value, w);
  const state = str(o, 'state', w);
  if (!DLR_STATES.has(state)) throw new ContractError(`${w}: unknown state ${state}`);
  const dlr: DlrMessageV1 = {
    v: version(o, w),
    id: str(o, 'id', w),
    operator: str(o, 'operator', w),
    messageId: str(o, 'messageId', w),
    normalisedIds: strings(o, 'normalisedIds', w),
    state: state as DlrState,
    final: bool(o, 'final', w),
    receivedAt: num(o, 'receivedAt', w),
  };
  const errorCode = optionalStr(o, 'errorCode', w);
  if (errorCode !== undefined) dlr.errorCode = errorCode;
  return dlr;
}

export function decodeDeadLetter(value: Buffer | string | null): DeadLetterV1 {
  const w = 'sms.dlq.v1';
  const o = parse(value, w);
  return {
    v: version(o, w),
    service: str(o, 'service', w),
    code: str(o, 'code', w),
    reason: str(o, 'reason', w),
    sourceTopic: str(o, 'sourceTopic', w),
    sourcePartition: num(o, 'sourcePartition', w),
    sourceOffset: str(o, 'sourceOffset', w),
    failedAt: num(o, 'failedAt', w),
    payload: str(o, 'payload', w),
  };
}

/** The MT id for part `n` of the reply to an MO: a replay of the MO yields the same ids. */
export function mtIdFor(moId: string, n = 1): string {
  return `${moId}.r${n}`;
}
