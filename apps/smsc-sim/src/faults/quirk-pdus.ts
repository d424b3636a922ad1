import { CommandId, deliverSmBody, encodePdu, TlvTag, type DeliverSmFields } from '@parchee/smpp';
import type { SubmitRespForm } from './fault-plan';

/**
 * SMPP 5.0's congestion_state TLV (0x0428, one octet: the SMSC's load in percent), which SMSCs add
 * to their responses. Not an SMPP 3.4 tag, so the codec has no name for it.
 */
export const CONGESTION_STATE_TAG = 0x0428;

/** What the simulator reports in the SMPP 5.0 TLVs of a `tlvs-after-id` submit_sm_resp. */
export const SUBMIT_RESP_CONGESTION = 40;
export const SUBMIT_RESP_STATUS_TEXT = 'accepted';

function header(length: number, commandId: number): Buffer {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt32BE(length, 0);
  bytes.writeUInt32BE(commandId, 4);
  // command_status 0 (ESME_ROK); the session writes the sequence number.
  return bytes;
}

function tlv(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(tag, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

/**
 * A successful submit_sm_resp as some SMSCs write it, which our encoder never would (sequence
 * number 0: the session writes the request's in):
 * - `no-body`: the 16-octet header alone, no message_id at all;
 * - `id-without-nul`: the message_id with no terminating NUL, the PDU ending on its last character;
 * - `tlvs-after-id`: the message_id and its NUL, then SMPP 5.0 TLVs (congestion_state and
 *   additional_status_info_text).
 */
export function submitSmRespPdu(form: SubmitRespForm, messageId: string): Buffer {
  const id = Buffer.from(messageId, 'latin1');
  let body: Buffer;
  switch (form) {
    case 'no-body':
      body = Buffer.alloc(0);
      break;
    case 'id-without-nul':
      body = id;
      break;
    case 'tlvs-after-id':
      body = Buffer.concat([
        id,
        Buffer.from([0]),
        tlv(CONGESTION_STATE_TAG, Buffer.from([SUBMIT_RESP_CONGESTION])),
        tlv(TlvTag.additional_status_info_text, Buffer.from(`${SUBMIT_RESP_STATUS_TEXT}\0`, 'latin1')),
      ]);
      break;
  }
  return Buffer.concat([header(16 + body.length, CommandId.SUBMIT_SM_RESP), body]);
}

/**
 * The deliver_sm of `fields` with `trailing` octets after its last field (a NUL after
 * short_message, or padding), command_length counting them, as some SMSCs send MOs. Sequence
 * number 0: the session writes its own in.
 */
export function deliverSmWithTrailingOctets(fields: DeliverSmFields, trailing: Buffer): Buffer {
  const pdu = encodePdu({ command: 'deliver_sm', commandStatus: 0, sequenceNumber: 0, ...deliverSmBody(fields) });
  const bytes = Buffer.concat([pdu, trailing]);
  bytes.writeUInt32BE(bytes.length, 0);
  return bytes;
}
