import { CommandId, commandIdOf, isResponseCommandId } from '../codec/command-id';
import { CommandStatus } from '../codec/command-status';
import type { EncodablePdu, PduCommand, Tlv } from '../codec/pdu';
import { bodySpecs, BodyField, MAX_SHORT_MESSAGE_LENGTH } from '../codec/pdu-body';
import { DEFAULT_MAX_PDU_LENGTH, encodePdu, PDU_HEADER_LENGTH } from '../codec/pdu-codec';
import { fixedTlvLength, tlvDefinition, TlvTag } from '../codec/tlv-tag';

/**
 * A small, fast, seeded PRNG (sfc32, seeded through splitmix32): the same seed gives the same
 * inputs on every machine, so a fuzz failure can be replayed from the seed it prints.
 */
export class FuzzRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    let state = seed >>> 0;
    const splitmix = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix();
    this.b = splitmix();
    this.c = splitmix();
    this.d = splitmix();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** An integer in 0..n-1. */
  below(n: number): number {
    return Math.floor((this.uint32() / 0x100000000) * n);
  }

  /** An integer in min..max, both included. */
  between(min: number, max: number): number {
    return min + this.below(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.uint32() / 0x100000000 < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  bytes(length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) buffer[i] = this.uint32() & 0xff;
    return buffer;
  }

  /** Printable ASCII, what a C-Octet String normally holds. */
  ascii(length: number): string {
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(0x20 + this.below(0x5f));
    return text;
  }
}

/** How an input was made, for the tally a fuzz run prints. */
export type FuzzInputKind =
  'valid' | 'mutated' | 'random-frame' | 'implausible-length' | 'lying-length' | 'truncated-unframed' | 'extended-unframed' | 'unbind';

export interface FuzzInput {
  bytes: Buffer;
  kind: FuzzInputKind;
}

/** A valid PDU as encoded by our codec, with where its variable parts sit for targeted mutations. */
interface PoolEntry {
  command: PduCommand;
  bytes: Buffer;
  /** Offset of the first TLV when the PDU may carry TLVs (equal to bytes.length when it has none). */
  tlvOffset?: number;
  /** Offset of sm_length in submit_sm, deliver_sm, submit_multi and replace_sm. */
  smLengthOffset?: number;
}

export interface PduFuzzerOptions {
  /** The command_length limit of the peer under test. Default 65 536. */
  maxPduLength?: number;
  /** Valid PDUs encoded up front and mutated afterwards. Default 4 096. */
  poolSize?: number;
}

const ALL_COMMANDS = Object.keys(CommandId).map((name) => name.toLowerCase() as PduCommand);
const KNOWN_COMMAND_IDS: readonly number[] = Object.values(CommandId);
const KNOWN_TLV_TAGS: readonly number[] = Object.values(TlvTag);
const INTERESTING_OCTETS = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];

/**
 * Makes inputs for a fuzz run against an SMPP peer: valid PDUs of every command, encoded by our
 * codec and then mutated (bit flips, truncation, extension, inner length fields, TLV length lies,
 * random command ids and statuses), and frames of random octets.
 *
 * Inputs come in two families, because a stream can only be fuzzed further while it stays in step:
 * `framed()` inputs carry a command_length equal to their size (whatever else is wrong with them),
 * so the peer can always find the next PDU; `streamBreaker()` inputs cannot be followed by anything
 * (a command_length below 16 or above the limit, a length that lies about the frame, or an unbind),
 * so a run ends a connection with one.
 */
export class PduFuzzer {
  readonly random: FuzzRandom;
  private readonly maxPduLength: number;
  private readonly pool: PoolEntry[] = [];

  constructor(seed: number, options: PduFuzzerOptions = {}) {
    this.random = new FuzzRandom(seed);
    this.maxPduLength = options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
    const poolSize = options.poolSize ?? 4096;
    for (let i = 0; i < poolSize; i++) this.pool.push(this.validEntry(ALL_COMMANDS[i % ALL_COMMANDS.length]));
  }

  /** Commands the pool holds, each at least once when poolSize >= 27. */
  get poolCommands(): ReadonlySet<PduCommand> {
    return new Set(this.pool.map((entry) => entry.command));
  }

  /** A valid PDU of `command` with random field values, encoded by our codec. */
  validPdu(command: PduCommand, sequenceNumber: number): Buffer {
    const bytes = Buffer.from(this.validEntry(command).bytes);
    bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
    return bytes;
  }

  /** An input whose command_length is its size: 10 % valid PDUs, 70 % mutated ones, 20 % random frames. */
  framed(sequenceNumber: number): FuzzInput {
    const roll = this.random.below(10);
    if (roll === 0) return { bytes: this.pooledCopy(sequenceNumber), kind: 'valid' };
    return roll < 8 ? this.mutated(sequenceNumber) : this.randomFrame(sequenceNumber);
  }

  /** An input after which the stream cannot be read in step (or the session ends by unbind). */
  streamBreaker(sequenceNumber: number): FuzzInput {
    const r = this.random;
    switch (r.below(5)) {
      case 0:
        return this.implausibleLength(sequenceNumber);
      case 1: {
        const bytes = this.pooledCopy(sequenceNumber);
        let length = r.chance(0.5) ? r.between(PDU_HEADER_LENGTH, this.maxPduLength) : bytes.length + r.between(-8, 8);
        if (length === bytes.length || length < PDU_HEADER_LENGTH) length = bytes.length + 1;
        bytes.writeUInt32BE(length, 0);
        return { bytes, kind: 'lying-length' };
      }
      case 2: {
        const bytes = this.pooledCopy(sequenceNumber);
        return { bytes: bytes.subarray(0, r.between(4, bytes.length - 1)), kind: 'truncated-unframed' };
      }
      case 3: {
        const bytes = this.pooledCopy(sequenceNumber);
        return { bytes: Buffer.concat([bytes, r.bytes(r.between(1, 64))]), kind: 'extended-unframed' };
      }
      default: {
        const bytes = Buffer.alloc(PDU_HEADER_LENGTH);
        bytes.writeUInt32BE(PDU_HEADER_LENGTH, 0);
        bytes.writeUInt32BE(CommandId.UNBIND, 4);
        bytes.writeUInt32BE(r.chance(0.8) ? 0 : r.uint32(), 8);
        bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
        return { bytes, kind: 'unbind' };
      }
    }
  }

  /** A command_length below 16 or above the limit: the peer must nack and close (section 2.2). */
  implausibleLength(sequenceNumber: number): FuzzInput {
    const r = this.random;
    const bytes = r.bytes(r.between(PDU_HEADER_LENGTH, 64));
    const length = r.chance(0.5)
      ? r.below(PDU_HEADER_LENGTH)
      : r.chance(0.5)
        ? this.maxPduLength + r.between(1, 1024)
        : r.between(this.maxPduLength + 1, 0xffffffff);
    bytes.writeUInt32BE(length, 0);
    bytes.writeUInt32BE(r.pick(KNOWN_COMMAND_IDS), 4);
    bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
    return { bytes, kind: 'implausible-length' };
  }

  /**
   * An answer to a request the peer under test sent: its response, valid most of the time, else
   * failed, a generic_nack, the wrong response, or a garbled body. Always framed.
   */
  answer(commandId: number, sequenceNumber: number): Buffer {
    const r = this.random;
    const responseId = (commandId | 0x80000000) >>> 0;
    const command = ALL_COMMANDS.find((name) => commandIdOf(name) === responseId);
    const roll = r.below(100);
    let bytes: Buffer;
    if (command === undefined || roll < 8) {
      bytes = header(CommandId.GENERIC_NACK, r.pick([CommandStatus.ESME_RINVCMDID, CommandStatus.ESME_RSYSERR, r.uint32()]), sequenceNumber);
    } else if (roll < 60) {
      bytes = this.validEntryWithStatus(command, 0, sequenceNumber);
    } else if (roll < 75) {
      bytes = header(
        responseId,
        r.pick([CommandStatus.ESME_RTHROTTLED, CommandStatus.ESME_RINVDSTADR, CommandStatus.ESME_RMSGQFUL, r.uint32() || 1]),
        sequenceNumber,
      );
    } else if (roll < 82) {
      bytes = this.validPdu(r.pick(ALL_COMMANDS.filter((name) => isResponseCommandId(commandIdOf(name)))), sequenceNumber);
    } else {
      // Garbled, but still this response: a request here would be answered and muddle the run's accounting.
      bytes = this.mutate(this.validEntryWithStatus(command, 0, sequenceNumber), undefined);
      bytes.writeUInt32BE(responseId, 4);
    }
    return bytes;
  }

  // -------------------------------------------------------------------------------------------

  private mutated(sequenceNumber: number): FuzzInput {
    const entry = this.random.pick(this.pool);
    const bytes = Buffer.from(entry.bytes);
    bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
    return { bytes: this.mutate(bytes, entry), kind: 'mutated' };
  }

  /** One to three mutations of `bytes` (changed in place when the size stays), command_length kept equal to the size. */
  private mutate(bytes: Buffer, entry: PoolEntry | undefined): Buffer {
    const r = this.random;
    const rounds = r.chance(0.6) ? 1 : r.between(2, 3);
    for (let round = 0; round < rounds; round++) {
      switch (r.below(10)) {
        case 0: {
          // Bit flips anywhere but command_length.
          const flips = r.between(1, 8);
          for (let i = 0; i < flips; i++) bytes[r.between(4, bytes.length - 1)] ^= 1 << r.below(8);
          break;
        }
        case 1:
          if (bytes.length > PDU_HEADER_LENGTH) bytes = Buffer.from(bytes.subarray(0, r.between(PDU_HEADER_LENGTH, bytes.length - 1)));
          break;
        case 2:
          bytes = Buffer.concat([bytes, r.chance(0.5) ? r.bytes(r.between(1, 64)) : Buffer.alloc(r.between(1, 8), r.pick(INTERESTING_OCTETS))]);
          break;
        case 3:
          bytes = this.tlvLengthLie(bytes, entry);
          break;
        case 4: {
          const roll = r.below(4);
          const known = r.pick(KNOWN_COMMAND_IDS);
          bytes.writeUInt32BE(roll === 0 ? r.uint32() : roll === 1 ? (known ^ 0x80000000) >>> 0 : roll === 2 ? r.below(0x200) : known, 4);
          break;
        }
        case 5:
          bytes.writeUInt32BE(r.chance(0.5) ? r.below(0x100) : r.uint32(), 8);
          break;
        case 6: {
          // A C-Octet String loses its NUL and runs into the next field.
          const nuls: number[] = [];
          for (let i = PDU_HEADER_LENGTH; i < bytes.length; i++) if (bytes[i] === 0) nuls.push(i);
          if (nuls.length > 0) bytes[r.pick(nuls)] = 0x20 + r.below(0x5f);
          break;
        }
        case 7:
          if (entry?.smLengthOffset !== undefined && entry.smLengthOffset < bytes.length) {
            bytes[entry.smLengthOffset] = r.chance(0.5) ? r.below(256) : r.pick([0, MAX_SHORT_MESSAGE_LENGTH, MAX_SHORT_MESSAGE_LENGTH + 1, 0xff]);
          } else {
            bytes[r.between(4, bytes.length - 1)] = r.pick(INTERESTING_OCTETS);
          }
          break;
        case 8: {
          // An octet inserted or removed: every later field shifts.
          const at = r.between(PDU_HEADER_LENGTH, bytes.length);
          bytes =
            r.chance(0.5) || at === bytes.length
              ? Buffer.concat([bytes.subarray(0, at), Buffer.of(r.below(256)), bytes.subarray(at)])
              : Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
          break;
        }
        default:
          for (let i = r.between(1, 4); i > 0; i--) bytes[r.between(4, bytes.length - 1)] = r.pick(INTERESTING_OCTETS);
      }
    }
    bytes.writeUInt32BE(bytes.length, 0);
    return bytes;
  }

  /** A TLV whose length field says more or less than it holds, or a TLV header cut short. */
  private tlvLengthLie(bytes: Buffer, entry: PoolEntry | undefined): Buffer {
    const r = this.random;
    const start = entry?.tlvOffset;
    const headers: number[] = [];
    if (start !== undefined) {
      for (let offset = start; offset + 4 <= bytes.length;) {
        headers.push(offset);
        offset += 4 + bytes.readUInt16BE(offset + 2);
      }
    }
    const lie = (actual: number, remaining: number): number =>
      r.pick([0, 1, actual + 1, Math.max(0, actual - 1), remaining + 1, remaining + r.between(2, 300), 0xffff, r.below(0x10000)]) & 0xffff;
    if (headers.length > 0 && r.chance(0.7)) {
      const offset = r.pick(headers);
      bytes.writeUInt16BE(lie(bytes.readUInt16BE(offset + 2), bytes.length - offset - 4), offset + 2);
      return bytes;
    }
    if (r.chance(0.2)) return Buffer.concat([bytes, r.bytes(r.between(1, 3))]);
    const tlv = Buffer.alloc(4 + r.below(8));
    tlv.writeUInt16BE(r.chance(0.7) ? r.pick(KNOWN_TLV_TAGS) : r.below(0x10000), 0);
    tlv.writeUInt16BE(lie(tlv.length - 4, tlv.length - 4), 2);
    return Buffer.concat([bytes, tlv]);
  }

  private randomFrame(sequenceNumber: number): FuzzInput {
    const r = this.random;
    const roll = r.below(1000);
    const length = roll < 900 ? r.between(PDU_HEADER_LENGTH, 256) : roll < 995 ? r.between(257, 4096) : r.between(4097, this.maxPduLength);
    const bytes = r.chance(0.5) ? r.bytes(length) : Buffer.from(r.ascii(length), 'latin1');
    if (r.chance(0.3)) for (let i = PDU_HEADER_LENGTH; i < length; i++) if (r.chance(0.15)) bytes[i] = 0;
    bytes.writeUInt32BE(length, 0);
    const idRoll = r.below(4);
    if (idRoll < 2) bytes.writeUInt32BE(r.pick(KNOWN_COMMAND_IDS), 4);
    else if (idRoll === 2) bytes.writeUInt32BE((r.pick(KNOWN_COMMAND_IDS) ^ (1 << r.below(32))) >>> 0, 4);
    if (r.chance(0.7)) bytes.writeUInt32BE(0, 8);
    bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
    return { bytes, kind: 'random-frame' };
  }

  private pooledCopy(sequenceNumber: number): Buffer {
    const bytes = Buffer.from(this.random.pick(this.pool).bytes);
    bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
    return bytes;
  }

  private validEntryWithStatus(command: PduCommand, commandStatus: number, sequenceNumber: number): Buffer {
    const bytes = Buffer.from(this.validEntry(command, commandStatus).bytes);
    bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
    return bytes;
  }

  private validEntry(command: PduCommand, status?: number): PoolEntry {
    const r = this.random;
    const spec = bodySpecs[command];
    const responseId = isResponseCommandId(commandIdOf(command));
    // Most responses succeed (and carry a body); some fail, and a failed response has no body.
    const commandStatus = status ?? (responseId && r.chance(0.15) ? r.between(1, 0x500) : 0);
    const fields: Record<string, unknown> = { command, commandStatus, sequenceNumber: 1 };
    for (const field of spec.fields) fields[field.name] = this.fieldValue(field);
    fields['tlvs'] = [];
    const withoutTlvs = encodePdu(fields as unknown as EncodablePdu);
    if (spec.tlvs && commandStatus === 0) fields['tlvs'] = this.tlvs();
    const bytes = Buffer.from(encodePdu(fields as unknown as EncodablePdu));
    const entry: PoolEntry = { command, bytes };
    if (spec.tlvs && commandStatus === 0) entry.tlvOffset = withoutTlvs.length;
    const shortMessage = fields['shortMessage'];
    if (Buffer.isBuffer(shortMessage) && commandStatus === 0) {
      entry.smLengthOffset = withoutTlvs.length - shortMessage.length - 1;
    }
    return entry;
  }

  private fieldValue(field: BodyField): unknown {
    const r = this.random;
    switch (field.kind) {
      case 'int8':
        return r.chance(0.5) ? r.below(4) : r.below(256);
      case 'time':
        return r.chance(0.5) ? '' : r.ascii(16);
      case 'cstring':
        return r.ascii(r.chance(0.3) ? field.maxSize - 1 : r.below(field.maxSize));
      case 'shortMessage': {
        const length = r.chance(0.1) ? MAX_SHORT_MESSAGE_LENGTH : r.below(r.chance(0.5) ? 161 : MAX_SHORT_MESSAGE_LENGTH + 1);
        return r.chance(0.5) ? Buffer.from(r.ascii(length), 'latin1') : r.bytes(length);
      }
      case 'destAddresses': {
        const count = r.between(1, 5);
        return Array.from({ length: count }, () =>
          r.chance(0.8)
            ? { destFlag: 1, destAddrTon: r.below(7), destAddrNpi: r.below(19), destinationAddr: r.ascii(r.below(21)) }
            : { destFlag: 2, dlName: r.ascii(r.below(21)) },
        );
      }
      case 'unsuccessSmes':
        return Array.from({ length: r.below(4) }, () => ({
          destAddrTon: r.below(7),
          destAddrNpi: r.below(19),
          destinationAddr: r.ascii(r.below(21)),
          errorStatusCode: r.uint32(),
        }));
    }
  }

  private tlvs(): Tlv[] {
    const r = this.random;
    const tlvs: Tlv[] = [];
    const count = r.chance(0.4) ? 0 : r.between(1, 4);
    for (let i = 0; i < count; i++) {
      if (r.chance(0.2)) {
        // Vendor-specific tags (0x1400-0x3FFF) and tags no one defined: kept raw by the codec.
        const tag = r.chance(0.5) ? r.between(0x1400, 0x3fff) : r.below(0x10000);
        tlvs.push({ tag, value: r.bytes(fixedTlvLength(tag) ?? r.below(33)) });
        continue;
      }
      const tag = r.pick(KNOWN_TLV_TAGS);
      const fixed = fixedTlvLength(tag);
      const definition = tlvDefinition(tag);
      if (fixed !== undefined) {
        tlvs.push({ tag, value: r.bytes(fixed) });
      } else if (definition?.type === 'cstring') {
        tlvs.push({ tag, value: Buffer.from(`${r.ascii(r.below((definition.maxLength ?? 65) - 1))}\0`, 'latin1') });
      } else {
        tlvs.push({ tag, value: r.bytes(r.below((definition?.maxLength ?? 300) + 1)) });
      }
    }
    return tlvs;
  }
}

function header(commandId: number, commandStatus: number, sequenceNumber: number): Buffer {
  const bytes = Buffer.alloc(PDU_HEADER_LENGTH);
  bytes.writeUInt32BE(PDU_HEADER_LENGTH, 0);
  bytes.writeUInt32BE(commandId >>> 0, 4);
  bytes.writeUInt32BE(commandStatus >>> 0, 8);
  bytes.writeUInt32BE(sequenceNumber >>> 0, 12);
  return bytes;
}
