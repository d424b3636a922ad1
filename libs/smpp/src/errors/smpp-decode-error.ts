import { SmppError } from './smpp-error';

/**
 * Bytes from the peer that are not a valid PDU. Carries what the receiver needs to answer with a
 * generic_nack: the command_status to report and, when the header was readable, the sequence number.
 */
export class SmppDecodeError extends SmppError {
  /** The command_status to answer with, e.g. ESME_RINVCMDLEN. */
  readonly commandStatus: number;
  /** Present when the 16-byte header could be read. */
  readonly sequenceNumber?: number;
  /** Present when the 16-byte header could be read. */
  readonly commandId?: number;

  constructor(message: string, commandStatus: number, header: { commandId?: number; sequenceNumber?: number } = {}) {
    super('DECODE_ERROR', message, { retriable: false });
    this.commandStatus = commandStatus;
    this.commandId = header.commandId;
    this.sequenceNumber = header.sequenceNumber;
  }
}
