import { SmppDecodeError } from '../errors/smpp-decode-error';
import { SmppError } from '../errors/smpp-error';
import { commandIdOf, commandName, describeCommandId, isResponseCommandId } from './command-id';
import { CommandStatus } from './command-status';
import type { EncodablePdu, MultiDestination, Pdu, Tlv, UnsuccessSme } from './pdu';
import { BodyField, bodySpecs, emptyFieldValue, MAX_SHORT_MESSAGE_LENGTH, SHORT_MESSAGE_BODY } from './pdu-body';
import { DestFlag } from './pdu';
import { fixedTlvLength, tlvTagName } from './tlv-tag';

/** Every PDU starts with command_length, command_id, command_status and sequence_number. */
export const PDU_HEADER_LENGTH = 16;

/** Default ceiling on command_length. Real PDUs are a few hundred octets; this bounds memory per peer. */
export const DEFAULT_MAX_PDU_LENGTH = 64 * 1024;

export interface PduCodecOptions {
  /** Largest command_length accepted, in octets. Default 65536. */
  maxPduLength?: number;
}

const S = CommandStatus;

// ---------------------------------------------------------------------------------------------
// Decoding

interface HeaderInfo {
  commandId: number;
  sequenceNumber: number;
}

class BodyReader {
  private offset: number;

  constructor(
    private readonly buffer: Buffer,
    start: number,
    private readonly end: number,
    readonly header: HeaderInfo,
  ) {
    this.offset = start;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  fail(message: string, status: number): never {
    throw new SmppDecodeError(`${describeCommandId(this.header.commandId)}: ${message}`, status, this.header);
  }

  int8(name: string): number {
    if (this.remaining < 1) this.fail(`body ends before ${name}`, S.ESME_RINVCMDLEN);
    return this.buffer[this.offset++];
  }

  int16(name: string): number {
    if (this.remaining < 2) this.fail(`body ends before ${name}`, S.ESME_RINVCMDLEN);
    const value = this.buffer.readUInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(name: string): number {
    if (this.remaining < 4) this.fail(`body ends before ${name}`, S.ESME_RINVCMDLEN);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A C-Octet String: ASCII up to a NUL that must come within `maxSize` octets. */
  cstring(name: string, maxSize: number, status: number): string {
    // Scanned and built by hand: these strings are short, and a subarray or a native call per field
    // costs more than the loop (the decode benchmark in src/bench measures it).
    const buffer = this.buffer;
    const start = this.offset;
    const searchEnd = Math.min(this.end, start + maxSize);
    let nul = start;
    while (nul < searchEnd && buffer[nul] !== 0) nul++;
    if (nul === searchEnd) {
      if (searchEnd === this.end && this.end - start < maxSize) {
        this.fail(`${name} has no terminating NUL before the end of the body`, S.ESME_RINVCMDLEN);
      }
      this.fail(`${name} is longer than ${maxSize - 1} characters`, status);
    }
    let value = '';
    if (nul - start > 24) value = buffer.toString('latin1', start, nul);
    else for (let i = start; i < nul; i++) value += String.fromCharCode(buffer[i]);
    this.offset = nul + 1;
    return value;
  }

  /** The 16-bit integer `at` octets ahead, without moving on (the caller checks `remaining`). */
  peekInt16(at: number): number {
    return this.buffer.readUInt16BE(this.offset + at);
  }

  skip(octets: number): void {
    this.offset += octets;
  }

  /** `name` is only needed for the error message, so it may be given as a function. */
  octets(name: string | (() => string), length: number, status: number): Buffer {
    if (this.remaining < length) this.fail(`${typeof name === 'string' ? name : name()} runs past the end of the body`, status);
    // Copied so a decoded PDU never pins the (possibly large) socket chunk it was read from.
    const value = Buffer.allocUnsafe(length);
    this.buffer.copy(value, 0, this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

function readField(reader: BodyReader, field: BodyField): unknown {
  switch (field.kind) {
    case 'int8':
      return reader.int8(field.name);
    case 'cstring':
      return reader.cstring(field.name, field.maxSize, field.status);
    case 'time':
      // Any length up to the NUL: an odd time is kept as the text that came, for its reader to
      // take as unset (smpp-time.ts). Without a NUL the fields after it cannot be found.
      return reader.cstring(field.name, Infinity, S.ESME_RINVCMDLEN);
    case 'shortMessage': {
      const smLength = reader.int8('sm_length');
      if (smLength > MAX_SHORT_MESSAGE_LENGTH) reader.fail(`sm_length ${smLength} exceeds ${MAX_SHORT_MESSAGE_LENGTH}`, S.ESME_RINVMSGLEN);
      return reader.octets('short_message', smLength, S.ESME_RINVMSGLEN);
    }
    case 'destAddresses': {
      const count = reader.int8('number_of_dests');
      if (count === 0) reader.fail('number_of_dests is 0', S.ESME_RINVNUMDESTS);
      const destinations: MultiDestination[] = [];
      for (let i = 0; i < count; i++) {
        const destFlag = reader.int8('dest_flag');
        if (destFlag === DestFlag.SME_ADDRESS) {
          destinations.push({
            destFlag,
            destAddrTon: reader.int8('dest_addr_ton'),
            destAddrNpi: reader.int8('dest_addr_npi'),
            destinationAddr: reader.cstring('destination_addr', 21, S.ESME_RINVDSTADR),
          });
        } else if (destFlag === DestFlag.DISTRIBUTION_LIST) {
          destinations.push({ destFlag, dlName: reader.cstring('dl_name', 21, S.ESME_RINVDLNAME) });
        } else {
          reader.fail(`dest_flag ${destFlag} is neither 1 nor 2`, S.ESME_RINVDESTFLAG);
        }
      }
      return destinations;
    }
    case 'unsuccessSmes': {
      const count = reader.int8('no_unsuccess');
      const failures: UnsuccessSme[] = [];
      for (let i = 0; i < count; i++) {
        failures.push({
          destAddrTon: reader.int8('dest_addr_ton'),
          destAddrNpi: reader.int8('dest_addr_npi'),
          destinationAddr: reader.cstring('destination_addr', 21, S.ESME_RINVDSTADR),
          errorStatusCode: reader.int32('error_status_code'),
        });
      }
      return failures;
    }
  }
}

/**
 * The TLVs after the mandatory fields, read while they are well-formed: a 4-octet header with a
 * tag other than 0x0000 (which neither SMPP 3.4 nor 5.0 assigns) whose declared length fits in
 * what remains. Real SMSCs put other octets there: a NUL after short_message (before TLVs or not),
 * NUL padding, garbage. Refusing a deliver_sm for them would lose the message, so they are passed
 * over: a NUL that does not start a well-formed TLV is skipped, so TLVs after it are still found,
 * and anything else that cannot be a TLV (fewer than four octets, a TLV that runs past the end)
 * ends the TLVs, the rest of the body dropped. So this never fails, and a well-formed TLV is
 * always read as one.
 */
function readTlvs(reader: BodyReader): Tlv[] {
  const tlvs: Tlv[] = [];
  while (reader.remaining >= 4) {
    const tag = reader.peekInt16(0);
    const length = reader.peekInt16(2);
    if (tag === 0 || length > reader.remaining - 4) {
      if (tag >> 8 !== 0) break;
      reader.skip(1);
      continue;
    }
    reader.skip(4);
    // A standard TLV of a length its type does not allow (a 1-octet sar_msg_ref_num, a 2-octet
    // message_state) is kept as it came, raw like every TLV: the typed readers in tlv.ts read it
    // leniently or treat it as absent, and refusing the whole PDU for it would lose the message.
    tlvs.push({ tag, value: reader.octets(() => tlvTagName(tag), length, S.ESME_RINVOPTPARSTREAM) });
  }
  return tlvs;
}

/**
 * Decodes one whole PDU (header included). What cannot be read (a bad header, mandatory fields that
 * run past the end or break their limits, octets after a PDU that takes no TLVs) throws an
 * SmppDecodeError carrying the command_status to answer with and, when readable, the command_id
 * and sequence number. What real peers send that the specification does not allow but that can be
 * read safely is accepted: odd TLVs and what follows them (readTlvs), time fields of any length,
 * and the bodies of successful responses (readAcceptedResp); libs/smpp/README.md lists it all.
 */
export function decodePdu(buffer: Buffer, options: PduCodecOptions = {}): Pdu {
  const maxPduLength = options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
  if (buffer.length < PDU_HEADER_LENGTH) {
    throw new SmppDecodeError(`PDU of ${buffer.length} octets is shorter than the 16-octet header`, S.ESME_RINVCMDLEN);
  }
  const commandLength = buffer.readUInt32BE(0);
  const header: HeaderInfo = { commandId: buffer.readUInt32BE(4), sequenceNumber: buffer.readUInt32BE(12) };
  const commandStatus = buffer.readUInt32BE(8);
  if (commandLength < PDU_HEADER_LENGTH || commandLength > maxPduLength) {
    throw new SmppDecodeError(`command_length ${commandLength} outside 16..${maxPduLength}`, S.ESME_RINVCMDLEN, header);
  }
  if (commandLength !== buffer.length) {
    throw new SmppDecodeError(`command_length ${commandLength} but ${buffer.length} octets given`, S.ESME_RINVCMDLEN, header);
  }
  const command = commandName(header.commandId);
  if (command === undefined) {
    throw new SmppDecodeError(`unknown command_id ${describeCommandId(header.commandId)}`, S.ESME_RINVCMDID, header);
  }

  const spec = bodySpecs[command];
  const pdu: Record<string, unknown> = { command, commandId: header.commandId, commandStatus, sequenceNumber: header.sequenceNumber };
  const emptyBody = (): Pdu => {
    for (const field of spec.fields) pdu[field.name] = emptyFieldValue(field);
    if (spec.tlvs) pdu['tlvs'] = [];
    return pdu as unknown as Pdu;
  };

  // A failed response may omit its body (the spec says it is not returned when command_status is
  // non-zero), and some SMSCs send a malformed one; the status is what matters, so keep it.
  const failedResponse = isResponseCommandId(header.commandId) && commandStatus !== S.ESME_ROK;
  if (failedResponse && commandLength === PDU_HEADER_LENGTH) return emptyBody();

  if (commandStatus === S.ESME_ROK && ACCEPTED_RESPONSES_READ_LIBERALLY.has(command)) {
    return readAcceptedResp(buffer, command as AcceptedResponseReadLiberally, commandStatus, header);
  }

  const reader = new BodyReader(buffer, PDU_HEADER_LENGTH, commandLength, header);
  if (spec === SHORT_MESSAGE_BODY) return readShortMessagePdu(reader, command as 'submit_sm' | 'deliver_sm', commandStatus);
  try {
    for (const field of spec.fields) pdu[field.name] = readField(reader, field);
    if (spec.tlvs) {
      pdu['tlvs'] = readTlvs(reader);
    } else if (reader.remaining > 0) {
      reader.fail(`${reader.remaining} octets after the last field`, S.ESME_RINVCMDLEN);
    }
  } catch (error) {
    if (failedResponse) return emptyBody();
    throw error;
  }
  return pdu as unknown as Pdu;
}

type AcceptedResponseReadLiberally =
  'submit_sm_resp' | 'deliver_sm_resp' | 'data_sm_resp' | 'bind_transmitter_resp' | 'bind_receiver_resp' | 'bind_transceiver_resp';

const ACCEPTED_RESPONSES_READ_LIBERALLY: ReadonlySet<string> = new Set<AcceptedResponseReadLiberally>([
  'submit_sm_resp',
  'deliver_sm_resp',
  'data_sm_resp',
  'bind_transmitter_resp',
  'bind_receiver_resp',
  'bind_transceiver_resp',
]);

/**
 * A successful submit_sm_resp, deliver_sm_resp, data_sm_resp or bind_*_resp is read liberally:
 * the peer has taken the message or the bind, and refusing its answer would make us send the
 * message again (a second SMS to the citizen), drop a deliver_sm it holds as answered, or fail a
 * bind the SMSC granted and retry it forever. Each of these bodies is one C-Octet String (the
 * message_id, or the SMSC's system_id) with TLVs after it in bind_*_resp and data_sm_resp. So a
 * body that is missing, a string without its NUL (it then runs to the end of the body) or longer
 * than the spec allows, and octets after it (SMPP 5.0 lets the message responses carry TLVs;
 * nothing in them changes what we do) are all accepted. The TLVs of bind_*_resp and data_sm_resp
 * are kept as far as they are well-formed (see readTlvs).
 */
function readAcceptedResp(buffer: Buffer, command: AcceptedResponseReadLiberally, commandStatus: number, header: HeaderInfo): Pdu {
  const { commandId, sequenceNumber } = header;
  const end = buffer.length;
  let nul = PDU_HEADER_LENGTH;
  while (nul < end && buffer[nul] !== 0) nul++;
  const id = buffer.toString('latin1', PDU_HEADER_LENGTH, nul);
  const tlvs = (): Tlv[] => (nul + 1 < end ? readTlvs(new BodyReader(buffer, nul + 1, end, header)) : []);
  // Object literals of fixed shape, as for submit_sm below: egress reads a submit_sm_resp per MT part.
  switch (command) {
    case 'submit_sm_resp':
    case 'deliver_sm_resp':
      return { command, commandId, commandStatus, sequenceNumber, messageId: id };
    case 'data_sm_resp':
      return { command, commandId, commandStatus, sequenceNumber, messageId: id, tlvs: tlvs() };
    default:
      return { command, commandId, commandStatus, sequenceNumber, systemId: id, tlvs: tlvs() };
  }
}

/**
 * submit_sm and deliver_sm, most of the traffic, are read into one object literal of fixed shape:
 * V8 builds it several times faster than an object grown a field at a time under computed names
 * (2.6 against 0.5 µs for a 160-character submit_sm). Sizes, statuses and order still come from
 * the body table, and loading this module fails if the literal below no longer follows it.
 */
const SM = SHORT_MESSAGE_BODY.fields;
const SHORT_MESSAGE_FIELD_ORDER = [
  'serviceType',
  'sourceAddrTon',
  'sourceAddrNpi',
  'sourceAddr',
  'destAddrTon',
  'destAddrNpi',
  'destinationAddr',
  'esmClass',
  'protocolId',
  'priorityFlag',
  'scheduleDeliveryTime',
  'validityPeriod',
  'registeredDelivery',
  'replaceIfPresentFlag',
  'dataCoding',
  'smDefaultMsgId',
  'shortMessage',
];
if (SM.map((field) => field.name).join() !== SHORT_MESSAGE_FIELD_ORDER.join() || !SHORT_MESSAGE_BODY.tlvs) {
  throw new Error('pdu-codec: readShortMessagePdu no longer follows the submit_sm/deliver_sm body table');
}

function readShortMessagePdu(reader: BodyReader, command: 'submit_sm' | 'deliver_sm', commandStatus: number): Pdu {
  const { commandId, sequenceNumber } = reader.header;
  // Property values are evaluated in order, so the fields are read in wire order.
  return {
    command,
    commandId,
    commandStatus,
    sequenceNumber,
    serviceType: readField(reader, SM[0]) as string,
    sourceAddrTon: readField(reader, SM[1]) as number,
    sourceAddrNpi: readField(reader, SM[2]) as number,
    sourceAddr: readField(reader, SM[3]) as string,
    destAddrTon: readField(reader, SM[4]) as number,
    destAddrNpi: readField(reader, SM[5]) as number,
    destinationAddr: readField(reader, SM[6]) as string,
    esmClass: readField(reader, SM[7]) as number,
    protocolId: readField(reader, SM[8]) as number,
    priorityFlag: readField(reader, SM[9]) as number,
    scheduleDeliveryTime: readField(reader, SM[10]) as string,
    validityPeriod: readField(reader, SM[11]) as string,
    registeredDelivery: readField(reader, SM[12]) as number,
    replaceIfPresentFlag: readField(reader, SM[13]) as number,
    dataCoding: readField(reader, SM[14]) as number,
    smDefaultMsgId: readField(reader, SM[15]) as number,
    shortMessage: readField(reader, SM[16]) as Buffer,
    tlvs: readTlvs(reader),
  };
}

// ---------------------------------------------------------------------------------------------
// Encoding

/** Writes straight into one growing buffer; a PDU is a few hundred octets, so it rarely grows. */
class BodyWriter {
  private buffer = Buffer.allocUnsafe(512);
  length = PDU_HEADER_LENGTH;

  constructor(private readonly command: string) {}

  invalid(message: string): never {
    throw new SmppError('INVALID_PDU', `${this.command}: ${message}`);
  }

  private reserve(octets: number): void {
    if (this.length + octets <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + octets));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  int(name: string, value: unknown, octets: 1 | 2 | 4): void {
    const max = octets === 4 ? 0xffffffff : (1 << (octets * 8)) - 1;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
      this.invalid(`${name} must be an integer in 0..${max}, got ${String(value)}`);
    }
    this.reserve(octets);
    if (octets === 1) this.buffer[this.length] = value;
    else if (octets === 2) this.buffer.writeUInt16BE(value, this.length);
    else this.buffer.writeUInt32BE(value, this.length);
    this.length += octets;
  }

  cstring(name: string, value: unknown, maxSize: number, lengths?: readonly number[]): void {
    if (typeof value !== 'string') this.invalid(`${name} must be a string`);
    // Checked and copied in one pass (the strings are short; a native write per field costs more).
    // Nothing counts as written until every check has passed.
    const tooLong = value.length > maxSize - 1;
    if (!tooLong) this.reserve(value.length + 1);
    const buffer = this.buffer;
    const start = this.length;
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      // C-Octet Strings are ASCII (3.1); anything wider would be silently mangled on the wire.
      if (code === 0 || code > 0x7f) this.invalid(`${name} must be ASCII without NUL`);
      if (!tooLong) buffer[start + i] = code;
    }
    if (tooLong) this.invalid(`${name} is longer than ${maxSize - 1} characters`);
    if (lengths && !lengths.includes(value.length)) this.invalid(`${name} must be ${lengths.join(' or ')} characters`);
    buffer[start + value.length] = 0;
    this.length = start + value.length + 1;
  }

  octets(name: string, value: unknown, maxLength: number): void {
    if (!Buffer.isBuffer(value)) this.invalid(`${name} must be a Buffer`);
    if (value.length > maxLength) this.invalid(`${name} is ${value.length} octets, more than ${maxLength}`);
    this.reserve(value.length);
    value.copy(this.buffer, this.length);
    this.length += value.length;
  }

  /** The finished PDU: the header goes in front of the body written so far. */
  finish(commandId: number, commandStatus: number, sequenceNumber: number): Buffer {
    this.buffer.writeUInt32BE(this.length, 0);
    this.buffer.writeUInt32BE(commandId, 4);
    this.buffer.writeUInt32BE(commandStatus, 8);
    this.buffer.writeUInt32BE(sequenceNumber, 12);
    return this.buffer.subarray(0, this.length);
  }
}

function writeField(writer: BodyWriter, field: BodyField, value: unknown): void {
  switch (field.kind) {
    case 'int8':
      return writer.int(field.name, value, 1);
    case 'cstring':
      return writer.cstring(field.name, value, field.maxSize);
    case 'time':
      // Absolute and relative times are both 16 characters; an empty string means "not set".
      return writer.cstring(field.name, value, 17, [0, 16]);
    case 'shortMessage': {
      if (!Buffer.isBuffer(value)) writer.invalid('shortMessage must be a Buffer');
      if (value.length > MAX_SHORT_MESSAGE_LENGTH) {
        writer.invalid(`shortMessage is ${value.length} octets; above ${MAX_SHORT_MESSAGE_LENGTH} use the message_payload TLV`);
      }
      writer.int('sm_length', value.length, 1);
      return writer.octets('shortMessage', value, MAX_SHORT_MESSAGE_LENGTH);
    }
    case 'destAddresses': {
      const destinations = value as MultiDestination[];
      if (!Array.isArray(destinations) || destinations.length < 1 || destinations.length > 255) {
        writer.invalid('destAddresses must list 1..255 destinations');
      }
      writer.int('number_of_dests', destinations.length, 1);
      for (const destination of destinations) {
        writer.int('dest_flag', destination.destFlag, 1);
        if (destination.destFlag === DestFlag.SME_ADDRESS) {
          writer.int('dest_addr_ton', destination.destAddrTon, 1);
          writer.int('dest_addr_npi', destination.destAddrNpi, 1);
          writer.cstring('destination_addr', destination.destinationAddr, 21);
        } else if (destination.destFlag === DestFlag.DISTRIBUTION_LIST) {
          writer.cstring('dl_name', destination.dlName, 21);
        } else {
          writer.invalid('dest_flag must be 1 or 2');
        }
      }
      return;
    }
    case 'unsuccessSmes': {
      const failures = value as UnsuccessSme[];
      if (!Array.isArray(failures) || failures.length > 255) writer.invalid('unsuccessSmes must list 0..255 entries');
      writer.int('no_unsuccess', failures.length, 1);
      for (const failure of failures) {
        writer.int('dest_addr_ton', failure.destAddrTon, 1);
        writer.int('dest_addr_npi', failure.destAddrNpi, 1);
        writer.cstring('destination_addr', failure.destinationAddr, 21);
        writer.int('error_status_code', failure.errorStatusCode, 4);
      }
      return;
    }
  }
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/**
 * Encodes a PDU, header included. The command_id follows from `command`. Values that the
 * specification does not allow (a source_addr over 20 characters, a short_message over 254 octets)
 * throw SmppError 'INVALID_PDU' rather than being truncated.
 */
export function encodePdu(pdu: EncodablePdu): Buffer {
  const spec = bodySpecs[pdu.command];
  if (spec === undefined) throw new SmppError('INVALID_PDU', `unknown command ${String(pdu.command)}`);
  const commandId = commandIdOf(pdu.command);
  const commandStatus = pdu.commandStatus ?? S.ESME_ROK;
  const writer = new BodyWriter(pdu.command);
  if (!isUint32(commandStatus)) writer.invalid(`command_status must be an unsigned 32-bit integer, got ${String(commandStatus)}`);
  if (!isUint32(pdu.sequenceNumber)) writer.invalid(`sequence_number must be an unsigned 32-bit integer, got ${String(pdu.sequenceNumber)}`);

  // The spec returns no body with a failed response; peers must not rely on one being there.
  const omitBody = isResponseCommandId(commandId) && commandStatus !== S.ESME_ROK;
  if (!omitBody) {
    const fields = pdu as unknown as Record<string, unknown>;
    for (const field of spec.fields) writeField(writer, field, fields[field.name]);
    if (spec.tlvs) {
      const tlvs = (fields['tlvs'] ?? []) as Tlv[];
      if (!Array.isArray(tlvs)) writer.invalid('tlvs must be an array');
      for (const tlv of tlvs) {
        writer.int('TLV tag', tlv.tag, 2);
        if (!Buffer.isBuffer(tlv.value)) writer.invalid(`TLV ${tlvTagName(tlv.tag)} value must be a Buffer`);
        const fixed = fixedTlvLength(tlv.tag);
        if (fixed !== undefined && fixed !== tlv.value.length) writer.invalid(`TLV ${tlvTagName(tlv.tag)} must be ${fixed} octets`);
        // A Buffer is at most 0xffff octets here or the next line throws, so int() cannot fail.
        if (tlv.value.length > 0xffff) writer.invalid(`TLV ${tlvTagName(tlv.tag)} length must be an integer in 0..65535, got ${tlv.value.length}`);
        writer.int('TLV length', tlv.value.length, 2);
        writer.octets('TLV value', tlv.value, 0xffff);
      }
    }
  }

  return writer.finish(commandId, commandStatus, pdu.sequenceNumber);
}
