import { SmppError } from '../errors/smpp-error';
import type { Tlv } from './pdu';
import { tlvDefinition, tlvTagName, TlvValueType } from './tlv-tag';

/** What a TLV value decodes to by its tag's type: integers, strings, raw octets, or `true` for a flag. */
export type TlvValue = number | string | Buffer | true;

interface WithTlvs {
  tlvs: readonly Tlv[];
}

/** The first TLV with this tag, or undefined. */
export function getTlv(pdu: WithTlvs, tag: number): Tlv | undefined {
  return pdu.tlvs.find((tlv) => tlv.tag === tag);
}

/** Every TLV with this tag, in wire order. */
export function getTlvs(pdu: WithTlvs, tag: number): Tlv[] {
  return pdu.tlvs.filter((tlv) => tlv.tag === tag);
}

function isIntegerType(type: TlvValueType): boolean {
  return type === 'int8' || type === 'int16' || type === 'int32';
}

/**
 * Decodes a TLV value by its tag's type; unknown tags stay raw octets. The decoder keeps a TLV
 * whatever length the peer gave it, so this reads odd lengths leniently rather than throwing: an
 * integer of one to four octets is the big-endian number they hold, whatever the tag's nominal size
 * (a 1-octet sar_msg_ref_num, a 4-octet user_message_reference); one with no octets or more than
 * four holds no number and comes back as its raw octets. A C-Octet String ends at its first NUL,
 * or at the end of the value when the NUL is missing.
 */
export function decodeTlvValue(tlv: Tlv): TlvValue {
  const type: TlvValueType = tlvDefinition(tlv.tag)?.type ?? 'octets';
  switch (type) {
    case 'int8':
    case 'int16':
    case 'int32':
      if (tlv.value.length < 1 || tlv.value.length > 4) return tlv.value;
      return tlv.value.readUIntBE(0, tlv.value.length);
    case 'cstring': {
      // Some SMSCs leave out the NUL (receipted_message_id especially), others pad with several.
      const end = tlv.value.indexOf(0);
      return tlv.value.toString('latin1', 0, end === -1 ? tlv.value.length : end);
    }
    case 'empty':
      return true;
    case 'octets':
      return tlv.value;
  }
}

/** Encodes a value as the tag's type demands; unknown tags take a Buffer. */
export function encodeTlvValue(tag: number, value: TlvValue): Buffer {
  const definition = tlvDefinition(tag);
  const type: TlvValueType = definition?.type ?? 'octets';
  const fail = (expected: string): never => {
    throw new SmppError('INVALID_PDU', `TLV ${tlvTagName(tag)} takes ${expected}`);
  };
  switch (type) {
    case 'int8':
    case 'int16':
    case 'int32': {
      const octets = type === 'int8' ? 1 : type === 'int16' ? 2 : 4;
      const max = octets === 4 ? 0xffffffff : (1 << (octets * 8)) - 1;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) fail(`an integer in 0..${max}`);
      const buffer = Buffer.alloc(octets);
      buffer.writeUIntBE(value as number, 0, octets);
      return buffer;
    }
    case 'cstring': {
      if (typeof value !== 'string' || value.includes('\0')) fail('a string without NUL');
      const text = value as string;
      if (definition?.maxLength !== undefined && text.length + 1 > definition.maxLength) fail(`at most ${definition.maxLength - 1} characters`);
      const buffer = Buffer.alloc(text.length + 1);
      buffer.write(text, 0, 'latin1');
      return buffer;
    }
    case 'empty':
      return Buffer.alloc(0);
    case 'octets':
      if (!Buffer.isBuffer(value)) fail('a Buffer');
      if (definition?.maxLength !== undefined && (value as Buffer).length > definition.maxLength) fail(`at most ${definition.maxLength} octets`);
      return value as Buffer;
  }
}

/** Builds a TLV from a typed value: `createTlv(TlvTag.sar_msg_ref_num, 42)`. */
export function createTlv(tag: number, value: TlvValue): Tlv {
  return { tag, value: encodeTlvValue(tag, value) };
}

/**
 * The integer value of a TLV, or undefined when absent. An integer TLV whose value holds no number
 * (no octets, or more than four: see decodeTlvValue) counts as absent, since it came that way from
 * the peer; asking for the number of a tag that is not an integer is a mistake and throws.
 */
export function getTlvNumber(pdu: WithTlvs, tag: number): number | undefined {
  const tlv = getTlv(pdu, tag);
  if (tlv === undefined) return undefined;
  const value = decodeTlvValue(tlv);
  if (typeof value === 'number') return value;
  if (isIntegerType(tlvDefinition(tag)?.type ?? 'octets')) return undefined;
  throw new SmppError('INVALID_PDU', `TLV ${tlvTagName(tag)} is not an integer`);
}

/** The string value of a C-Octet String TLV (receipted_message_id...), or undefined when absent. */
export function getTlvString(pdu: WithTlvs, tag: number): string | undefined {
  const tlv = getTlv(pdu, tag);
  if (tlv === undefined) return undefined;
  const value = decodeTlvValue(tlv);
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
}

/** The raw octets of a TLV (message_payload, network_error_code...), or undefined when absent. */
export function getTlvBuffer(pdu: WithTlvs, tag: number): Buffer | undefined {
  return getTlv(pdu, tag)?.value;
}
