import { CommandId, decodePdu, deliverSmBody, encodePdu, PduFramer, type DeliverSm, type SubmitSmResp } from '@parchee/smpp';
import { SUBMIT_RESP_FORMS } from './fault-plan';
import { deliverSmWithTrailingOctets, submitSmRespPdu } from './quirk-pdus';

const ID = '1a2b3c4d00000001';
const hex = (b: Buffer) => b.toString('hex');

describe('submit_sm_resp quirks', () => {
  it('no-body: a successful 16-octet header and nothing else', () => {
    expect(hex(submitSmRespPdu('no-body', ID))).toBe('00000010' + '80000004' + '00000000' + '00000000');
  });

  it('id-without-nul: the message_id runs to the end of the PDU with no NUL', () => {
    const bytes = submitSmRespPdu('id-without-nul', ID);
    expect(bytes.readUInt32BE(0)).toBe(16 + ID.length);
    expect(bytes.subarray(16).toString('latin1')).toBe(ID);
  });

  it('tlvs-after-id: the message_id and its NUL, then congestion_state and additional_status_info_text', () => {
    const bytes = submitSmRespPdu('tlvs-after-id', ID);
    const tlvs = '0428' + '0001' + '28' + '001d' + '0009' + Buffer.from('accepted\0').toString('hex');
    expect(hex(bytes.subarray(16))).toBe(Buffer.from(`${ID}\0`).toString('hex') + tlvs);
    expect(bytes.readUInt32BE(0)).toBe(bytes.length);
  });

  it.each(SUBMIT_RESP_FORMS)('%s is not what our encoder writes, yet frames cleanly and reads back as ESME_ROK', (form) => {
    const bytes = submitSmRespPdu(form, ID);
    const strict = encodePdu({ command: 'submit_sm_resp', commandStatus: 0, sequenceNumber: 0, messageId: ID });
    expect(bytes).not.toEqual(strict);
    expect(new PduFramer().push(bytes)).toHaveLength(1);
    const pdu = decodePdu(bytes) as SubmitSmResp;
    expect(pdu).toMatchObject({ commandId: CommandId.SUBMIT_SM_RESP, commandStatus: 0, messageId: form === 'no-body' ? '' : ID });
  });
});

describe('deliver_sm with trailing octets', () => {
  const fields = { sourceAddr: '923001234567', destinationAddr: '8300', shortMessage: Buffer.from('3520212345671') };

  it('is the encoded deliver_sm with the octets after its last field, command_length counting them', () => {
    const strict = encodePdu({ command: 'deliver_sm', commandStatus: 0, sequenceNumber: 0, ...deliverSmBody(fields) });
    const bytes = deliverSmWithTrailingOctets(fields, Buffer.from([0, 0, 0]));
    expect(bytes.readUInt32BE(0)).toBe(strict.length + 3);
    expect(hex(bytes.subarray(4))).toBe(hex(strict.subarray(4)) + '000000');
  });

  it('reads back as the same MO through our liberal decoder', () => {
    const pdu = decodePdu(deliverSmWithTrailingOctets(fields, Buffer.from([0xff]))) as DeliverSm;
    expect(pdu.shortMessage.toString('latin1')).toBe('3520212345671');
    expect(pdu.tlvs).toEqual([]);
  });
});
