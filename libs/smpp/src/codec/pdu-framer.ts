import { SmppDecodeError } from '../errors/smpp-decode-error';
import { CommandStatus } from './command-status';
import { DEFAULT_MAX_PDU_LENGTH, PDU_HEADER_LENGTH } from './pdu-codec';

export interface PduFramerOptions {
  /** Largest command_length accepted, in octets. Default 65536. */
  maxPduLength?: number;
}

/**
 * Cuts a TCP byte stream into whole PDUs by their command_length, however the bytes were split or
 * coalesced into chunks. A frame is only cut, not decoded, so one bad body does not disturb the
 * frames after it. A command_length below 16 or above the maximum leaves no way to find the next
 * PDU boundary: the framer then throws and stays failed, and the connection must be closed.
 */
export class PduFramer {
  private readonly maxPduLength: number;
  private pending: Buffer = Buffer.alloc(0);
  private failure?: SmppDecodeError;

  constructor(options: PduFramerOptions = {}) {
    this.maxPduLength = options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
  }

  /** Octets received that do not yet make a whole PDU. */
  get bufferedBytes(): number {
    return this.pending.length;
  }

  /** True once an unrecoverable length has been seen. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Adds a chunk and returns the PDUs it completed, each one whole frame header included. */
  push(chunk: Buffer): Buffer[] {
    if (this.failure) throw this.failure;
    let buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    while (buffer.length >= 4) {
      const commandLength = buffer.readUInt32BE(0);
      if (commandLength < PDU_HEADER_LENGTH || commandLength > this.maxPduLength) {
        // Only a length above the maximum guarantees the next 12 octets are this PDU's header.
        const headerReadable = commandLength >= PDU_HEADER_LENGTH && buffer.length >= PDU_HEADER_LENGTH;
        this.failure = new SmppDecodeError(
          `command_length ${commandLength} outside 16..${this.maxPduLength}; the stream cannot be resynchronised`,
          CommandStatus.ESME_RINVCMDLEN,
          headerReadable ? { commandId: buffer.readUInt32BE(4), sequenceNumber: buffer.readUInt32BE(12) } : {},
        );
        this.pending = Buffer.alloc(0);
        throw this.failure;
      }
      if (buffer.length < commandLength) break;
      frames.push(buffer.subarray(0, commandLength));
      buffer = buffer.subarray(commandLength);
    }
    // Copy the remainder so a small tail does not keep a large chunk alive.
    this.pending = buffer.length === 0 ? Buffer.alloc(0) : Buffer.from(buffer);
    return frames;
  }
}
