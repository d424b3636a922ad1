import { CommandId } from '@parchee/smpp';

export const GARBAGE_KINDS = ['bad-length', 'unknown-command', 'truncated-body'] as const;
export type GarbageKind = (typeof GARBAGE_KINDS)[number];

/** A command_id SMPP 3.4 does not define (checked in the spec file against the codec's table). */
export const UNDEFINED_COMMAND_ID = 0x000000ff;

function header(length: number, commandId: number, sequenceNumber: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32BE(length, 0);
  bytes.writeUInt32BE(commandId, 4);
  bytes.writeUInt32BE(0, 8);
  bytes.writeUInt32BE(sequenceNumber, 12);
  return bytes;
}

/**
 * Malformed PDUs an ESME must answer while keeping the session: each one frames correctly (a sane
 * command_length), so the stream stays in step, but cannot be decoded. A command_id SMPP does not
 * define gets generic_nack; a known command whose body cannot be read gets its own response with
 * an error status (SMPP 3.4 keeps generic_nack for a header it cannot take).
 * - bad-length: an enquire_link whose command_length counts 4 octets the PDU has no field for
 *   (enquire_link_resp ESME_RINVCMDLEN);
 * - unknown-command: a header-only PDU with an undefined command_id (generic_nack ESME_RINVCMDID);
 * - truncated-body: a deliver_sm whose body stops after source_addr_npi (deliver_sm_resp with an
 *   error status; ESME_RX_P_APPN from our own stack).
 */
export function garbagePdu(kind: GarbageKind, sequenceNumber: number): Buffer {
  switch (kind) {
    case 'bad-length':
      return Buffer.concat([header(20, CommandId.ENQUIRE_LINK, sequenceNumber), Buffer.from('deadbeef', 'hex')]);
    case 'unknown-command':
      return header(16, UNDEFINED_COMMAND_ID, sequenceNumber);
    case 'truncated-body':
      // service_type "" (NUL), source_addr_ton 1, source_addr_npi 1, then nothing.
      return Buffer.concat([header(19, CommandId.DELIVER_SM, sequenceNumber), Buffer.from([0x00, 0x01, 0x01])]);
  }
}
