import type { DataSmResp } from './pdu';
import { SmppDecodeError } from '../errors/smpp-decode-error';
import { SmppError } from '../errors/smpp-error';
import { CommandId } from './command-id';
import { CommandStatus } from './command-status';
import type { Pdu, SubmitSm } from './pdu';
import { MessageState } from './field-values';
import { DestFlag } from './pdu';
import { decodePdu, encodePdu } from './pdu-codec';
import { createTlv, getTlvNumber, getTlvString } from './tlv';
import { readSmppTime } from './smpp-time';
import { TlvTag } from './tlv-tag';

/** Hex written the way the spec's examples are: whitespace and `|` separators are ignored. */
function hex(text: string): Buffer {
  return Buffer.from(text.replace(/[\s|]/g, ''), 'hex');
}

function ascii(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex');
}

function decodeError(buffer: Buffer, options?: { maxPduLength?: number }): SmppDecodeError {
  try {
    decodePdu(buffer, options);
  } catch (error) {
    if (error instanceof SmppDecodeError) return error;
    throw error;
  }
  throw new Error('expected decodePdu to throw');
}

const submitSm: SubmitSm = {
  command: 'submit_sm',
  commandId: CommandId.SUBMIT_SM,
  commandStatus: 0,
  sequenceNumber: 2,
  serviceType: '',
  sourceAddrTon: 5,
  sourceAddrNpi: 0,
  sourceAddr: '8300',
  destAddrTon: 1,
  destAddrNpi: 1,
  destinationAddr: '923000000001',
  esmClass: 0,
  protocolId: 0,
  priorityFlag: 0,
  scheduleDeliveryTime: '',
  validityPeriod: '',
  registeredDelivery: 1,
  replaceIfPresentFlag: 0,
  dataCoding: 0,
  smDefaultMsgId: 0,
  shortMessage: Buffer.from('Hello', 'latin1'),
  tlvs: [],
};

// command_length 0x36 = 16 header + 38 body octets.
const submitSmBytes = hex(`
  00000036 00000004 00000000 00000002
  00 | 05 00 ${ascii('8300')}00 | 01 01 ${ascii('923000000001')}00 |
  00 00 00 | 00 | 00 | 01 00 00 00 | 05 ${ascii('Hello')}
`);

interface Golden {
  name: string;
  pdu: Pdu;
  bytes: Buffer;
}

const goldens: Golden[] = [
  {
    name: 'enquire_link',
    pdu: { command: 'enquire_link', commandId: 0x15, commandStatus: 0, sequenceNumber: 1 },
    bytes: hex('00000010 00000015 00000000 00000001'),
  },
  {
    name: 'enquire_link_resp',
    pdu: { command: 'enquire_link_resp', commandId: 0x80000015, commandStatus: 0, sequenceNumber: 1 },
    bytes: hex('00000010 80000015 00000000 00000001'),
  },
  {
    name: 'unbind',
    pdu: { command: 'unbind', commandId: 0x6, commandStatus: 0, sequenceNumber: 7 },
    bytes: hex('00000010 00000006 00000000 00000007'),
  },
  {
    name: 'unbind_resp',
    pdu: { command: 'unbind_resp', commandId: 0x80000006, commandStatus: 0, sequenceNumber: 7 },
    bytes: hex('00000010 80000006 00000000 00000007'),
  },
  {
    name: 'generic_nack',
    pdu: { command: 'generic_nack', commandId: 0x80000000, commandStatus: CommandStatus.ESME_RINVCMDID, sequenceNumber: 5 },
    bytes: hex('00000010 80000000 00000003 00000005'),
  },
  ...(['bind_transmitter', 'bind_receiver', 'bind_transceiver'] as const).map((command, index) => {
    const commandId = [0x2, 0x1, 0x9][index];
    return {
      name: command,
      pdu: {
        command,
        commandId,
        commandStatus: 0,
        sequenceNumber: 1,
        systemId: 'smppclient1',
        password: 'password',
        systemType: '',
        interfaceVersion: 0x34,
        addrTon: 0,
        addrNpi: 0,
        addressRange: '',
      } as Pdu,
      // 0x2a = 16 + 12 (system_id) + 9 (password) + 1 (system_type) + 3 + 1 (address_range).
      bytes: hex(`0000002a 0000000${commandId.toString(16)} 00000000 00000001 ${ascii('smppclient1')}00 ${ascii('password')}00 00 34 00 00 00`),
    };
  }),
  ...(['bind_transmitter_resp', 'bind_receiver_resp', 'bind_transceiver_resp'] as const).map((command, index) => {
    const commandId = [0x80000002, 0x80000001, 0x80000009][index];
    return {
      name: command,
      pdu: {
        command,
        commandId,
        commandStatus: 0,
        sequenceNumber: 1,
        systemId: 'SMSC',
        tlvs: [{ tag: TlvTag.sc_interface_version, value: hex('34') }],
      } as Pdu,
      bytes: hex(`0000001a ${commandId.toString(16)} 00000000 00000001 ${ascii('SMSC')}00 | 0210 0001 34`),
    };
  }),
  {
    name: 'failed bind_transmitter_resp (no body)',
    pdu: { command: 'bind_transmitter_resp', commandId: 0x80000002, commandStatus: CommandStatus.ESME_RINVPASWD, sequenceNumber: 1, systemId: '', tlvs: [] },
    bytes: hex('00000010 80000002 0000000e 00000001'),
  },
  { name: 'submit_sm', pdu: submitSm, bytes: submitSmBytes },
  {
    name: 'submit_sm with SAR TLVs',
    pdu: {
      ...submitSm,
      tlvs: [
        { tag: TlvTag.sar_msg_ref_num, value: hex('0102') },
        { tag: TlvTag.sar_total_segments, value: hex('02') },
        { tag: TlvTag.sar_segment_seqnum, value: hex('01') },
      ],
    },
    bytes: hex(`
      00000046 00000004 00000000 00000002
      00 | 05 00 ${ascii('8300')}00 | 01 01 ${ascii('923000000001')}00 |
      00 00 00 | 00 | 00 | 01 00 00 00 | 05 ${ascii('Hello')} |
      020c 0002 0102 | 020e 0001 02 | 020f 0001 01
    `),
  },
  {
    name: 'submit_sm_resp',
    pdu: { command: 'submit_sm_resp', commandId: 0x80000004, commandStatus: 0, sequenceNumber: 2, messageId: 'abc123' },
    bytes: hex(`00000017 80000004 00000000 00000002 ${ascii('abc123')}00`),
  },
  {
    name: 'failed submit_sm_resp (no body)',
    pdu: { command: 'submit_sm_resp', commandId: 0x80000004, commandStatus: CommandStatus.ESME_RTHROTTLED, sequenceNumber: 2, messageId: '' },
    bytes: hex('00000010 80000004 00000058 00000002'),
  },
  {
    name: 'deliver_sm carrying a delivery receipt',
    pdu: {
      ...submitSm,
      command: 'deliver_sm',
      commandId: 0x5,
      sequenceNumber: 3,
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      sourceAddr: '923000000001',
      destAddrTon: 5,
      destAddrNpi: 0,
      destinationAddr: '8300',
      esmClass: 0x04,
      registeredDelivery: 0,
      shortMessage: Buffer.from('id:abc123 stat:DELIVRD', 'latin1'),
      tlvs: [
        { tag: TlvTag.receipted_message_id, value: hex(`${ascii('abc123')}00`) },
        { tag: TlvTag.message_state, value: hex('02') },
      ],
    },
    // 0x57 = 16 + 1 + 2 + 13 + 2 + 5 + 3 + 1 + 1 + 4 + 1 + 22 + 11 + 5.
    bytes: hex(`
      00000057 00000005 00000000 00000003
      00 | 01 01 ${ascii('923000000001')}00 | 05 00 ${ascii('8300')}00 |
      04 00 00 | 00 | 00 | 00 00 00 00 | 16 ${ascii('id:abc123 stat:DELIVRD')} |
      001e 0007 ${ascii('abc123')}00 | 0427 0001 02
    `),
  },
  {
    name: 'deliver_sm_resp',
    pdu: { command: 'deliver_sm_resp', commandId: 0x80000005, commandStatus: 0, sequenceNumber: 3, messageId: '' },
    bytes: hex('00000011 80000005 00000000 00000003 00'),
  },
  {
    name: 'outbind',
    pdu: { command: 'outbind', commandId: 0xb, commandStatus: 0, sequenceNumber: 9, systemId: 'smsc', password: 'pw' },
    bytes: hex(`00000018 0000000b 00000000 00000009 ${ascii('smsc')}00 ${ascii('pw')}00`),
  },
  {
    name: 'data_sm',
    pdu: {
      command: 'data_sm',
      commandId: 0x103,
      commandStatus: 0,
      sequenceNumber: 10,
      serviceType: '',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      sourceAddr: '923000000001',
      destAddrTon: 5,
      destAddrNpi: 0,
      destinationAddr: '8300',
      esmClass: 0,
      registeredDelivery: 0,
      dataCoding: 8,
      tlvs: [{ tag: TlvTag.message_payload, value: hex('0048 0069') }],
    },
    // 0x32 = 16 + 1 + 2 + 13 + 2 + 5 + 3 + 8.
    bytes: hex(`
      00000032 00000103 00000000 0000000a
      00 | 01 01 ${ascii('923000000001')}00 | 05 00 ${ascii('8300')}00 | 00 00 08 | 0424 0004 00480069
    `),
  },
  {
    name: 'data_sm_resp',
    pdu: { command: 'data_sm_resp', commandId: 0x80000103, commandStatus: 0, sequenceNumber: 10, messageId: 'm1', tlvs: [] },
    bytes: hex(`00000013 80000103 00000000 0000000a ${ascii('m1')}00`),
  },
  {
    name: 'query_sm',
    pdu: { command: 'query_sm', commandId: 0x3, commandStatus: 0, sequenceNumber: 11, messageId: 'm1', sourceAddrTon: 5, sourceAddrNpi: 0, sourceAddr: '8300' },
    bytes: hex(`0000001a 00000003 00000000 0000000b ${ascii('m1')}00 05 00 ${ascii('8300')}00`),
  },
  {
    name: 'query_sm_resp',
    pdu: {
      command: 'query_sm_resp',
      commandId: 0x80000003,
      commandStatus: 0,
      sequenceNumber: 11,
      messageId: 'm1',
      finalDate: '250101120000000+',
      messageState: 2,
      errorCode: 0,
    },
    bytes: hex(`00000026 80000003 00000000 0000000b ${ascii('m1')}00 ${ascii('250101120000000+')}00 02 00`),
  },
  {
    name: 'cancel_sm',
    pdu: {
      command: 'cancel_sm',
      commandId: 0x8,
      commandStatus: 0,
      sequenceNumber: 12,
      serviceType: '',
      messageId: 'm1',
      sourceAddrTon: 5,
      sourceAddrNpi: 0,
      sourceAddr: '8300',
      destAddrTon: 1,
      destAddrNpi: 1,
      destinationAddr: '923000000001',
    },
    bytes: hex(`0000002a 00000008 00000000 0000000c 00 ${ascii('m1')}00 05 00 ${ascii('8300')}00 01 01 ${ascii('923000000001')}00`),
  },
  {
    name: 'cancel_sm_resp',
    pdu: { command: 'cancel_sm_resp', commandId: 0x80000008, commandStatus: 0, sequenceNumber: 12 },
    bytes: hex('00000010 80000008 00000000 0000000c'),
  },
  {
    name: 'replace_sm',
    pdu: {
      command: 'replace_sm',
      commandId: 0x7,
      commandStatus: 0,
      sequenceNumber: 13,
      messageId: 'm1',
      sourceAddrTon: 5,
      sourceAddrNpi: 0,
      sourceAddr: '8300',
      scheduleDeliveryTime: '',
      validityPeriod: '000001000000000R',
      registeredDelivery: 1,
      smDefaultMsgId: 0,
      shortMessage: Buffer.from('Hi', 'latin1'),
    },
    bytes: hex(`00000031 00000007 00000000 0000000d ${ascii('m1')}00 05 00 ${ascii('8300')}00 00 ${ascii('000001000000000R')}00 01 00 02 ${ascii('Hi')}`),
  },
  {
    name: 'replace_sm_resp',
    pdu: { command: 'replace_sm_resp', commandId: 0x80000007, commandStatus: 0, sequenceNumber: 13 },
    bytes: hex('00000010 80000007 00000000 0000000d'),
  },
  {
    name: 'alert_notification',
    pdu: {
      command: 'alert_notification',
      commandId: 0x102,
      commandStatus: 0,
      sequenceNumber: 14,
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      sourceAddr: '923000000001',
      esmeAddrTon: 5,
      esmeAddrNpi: 0,
      esmeAddr: '8300',
      tlvs: [{ tag: TlvTag.ms_availability_status, value: hex('00') }],
    },
    bytes: hex(`0000002b 00000102 00000000 0000000e 01 01 ${ascii('923000000001')}00 05 00 ${ascii('8300')}00 0422 0001 00`),
  },
  {
    name: 'submit_multi',
    pdu: {
      command: 'submit_multi',
      commandId: 0x21,
      commandStatus: 0,
      sequenceNumber: 15,
      serviceType: '',
      sourceAddrTon: 5,
      sourceAddrNpi: 0,
      sourceAddr: '8300',
      destAddresses: [
        { destFlag: DestFlag.SME_ADDRESS, destAddrTon: 1, destAddrNpi: 1, destinationAddr: '923000000001' },
        { destFlag: DestFlag.DISTRIBUTION_LIST, dlName: 'voters' },
      ],
      esmClass: 0,
      protocolId: 0,
      priorityFlag: 0,
      scheduleDeliveryTime: '',
      validityPeriod: '',
      registeredDelivery: 0,
      replaceIfPresentFlag: 0,
      dataCoding: 0,
      smDefaultMsgId: 0,
      shortMessage: Buffer.from('Hi', 'latin1'),
      tlvs: [],
    },
    // 0x3d = 16 + 1 + 2 + 5 + 1 + (1 + 2 + 13) + (1 + 7) + 3 + 2 + 4 + 1 + 3.
    bytes: hex(`
      0000003d 00000021 00000000 0000000f
      00 | 05 00 ${ascii('8300')}00 | 02 | 01 01 01 ${ascii('923000000001')}00 | 02 ${ascii('voters')}00 |
      00 00 00 | 00 | 00 | 00 00 00 00 | 02 ${ascii('Hi')}
    `),
  },
  {
    name: 'submit_multi_resp',
    pdu: {
      command: 'submit_multi_resp',
      commandId: 0x80000021,
      commandStatus: 0,
      sequenceNumber: 15,
      messageId: 'm2',
      unsuccessSmes: [{ destAddrTon: 1, destAddrNpi: 1, destinationAddr: '923000000001', errorStatusCode: CommandStatus.ESME_RINVDSTADR }],
    },
    bytes: hex(`00000027 80000021 00000000 0000000f ${ascii('m2')}00 01 | 01 01 ${ascii('923000000001')}00 0000000b`),
  },
];

describe('PDU codec', () => {
  describe.each(goldens)('$name', ({ pdu, bytes }) => {
    it('encodes to the spec byte layout', () => {
      expect(encodePdu(pdu).toString('hex')).toBe(bytes.toString('hex'));
    });

    it('decodes the spec byte layout', () => {
      expect(decodePdu(bytes)).toEqual(pdu);
    });

    it('round-trips', () => {
      expect(decodePdu(encodePdu(pdu))).toEqual(pdu);
    });
  });

  it('derives command_id from the command name, ignoring a stale commandId', () => {
    const bytes = encodePdu({ ...submitSm, commandId: 0x12345 });
    expect(bytes.readUInt32BE(4)).toBe(CommandId.SUBMIT_SM);
  });

  it('keeps unknown and vendor TLVs byte for byte through decode and re-encode', () => {
    const vendorTlvs = hex('1401 0004 deadbeef | 1500 0000 | 0501 0001 07');
    const bytes = Buffer.concat([submitSmBytes, vendorTlvs]);
    bytes.writeUInt32BE(bytes.length, 0);
    const decoded = decodePdu(bytes) as SubmitSm;
    expect(decoded.tlvs).toEqual([
      { tag: 0x1401, value: hex('deadbeef') },
      { tag: 0x1500, value: Buffer.alloc(0) },
      { tag: TlvTag.ussd_service_op, value: hex('07') },
    ]);
    expect(encodePdu(decoded).equals(bytes)).toBe(true);
  });

  it('reads typed TLV values by their tag', () => {
    const receipt = goldens.find((g) => g.name.startsWith('deliver_sm carrying'));
    if (receipt === undefined) throw new Error('golden deliver_sm missing');
    const pdu = decodePdu(receipt.bytes) as SubmitSm;
    expect(getTlvString(pdu, TlvTag.receipted_message_id)).toBe('abc123');
    expect(getTlvNumber(pdu, TlvTag.message_state)).toBe(2);
    expect(getTlvNumber(pdu, TlvTag.sar_msg_ref_num)).toBeUndefined();
    expect(createTlv(TlvTag.sar_msg_ref_num, 0x0102)).toEqual({ tag: 0x020c, value: hex('0102') });
  });

  it('accepts a failed response that carries a malformed body, keeping its status', () => {
    const pdu = decodePdu(hex(`00000013 80000004 00000014 00000002 ${ascii('abc')}`));
    expect(pdu).toEqual({ command: 'submit_sm_resp', commandId: 0x80000004, commandStatus: CommandStatus.ESME_RMSGQFUL, sequenceNumber: 2, messageId: '' });
  });

  /** The reference submit_sm with its body changed by `mutate`, command_length fixed up. */
  function mutatedSubmitSm(mutate: (body: Buffer) => Buffer): Buffer {
    const body = mutate(Buffer.from(submitSmBytes.subarray(16)));
    const bytes = Buffer.concat([submitSmBytes.subarray(0, 16), body]);
    bytes.writeUInt32BE(bytes.length, 0);
    return bytes;
  }

  describe('accepts what is odd but harmless from a peer', () => {
    it.each([
      ['a successful submit_sm_resp with no body', hex('00000010 80000004 00000000 00000004'), 'submit_sm_resp', ''],
      [
        'a submit_sm_resp with an SMPP 5.0 TLV after message_id',
        hex(`0000001c 80000004 00000000 00000004 ${ascii('abc123')}00 0425 0001 01`),
        'submit_sm_resp',
        'abc123',
      ],
      ['a submit_sm_resp whose message_id has no NUL', hex(`00000013 80000004 00000000 00000004 ${ascii('abc')}`), 'submit_sm_resp', 'abc'],
      [
        'a submit_sm_resp with stray octets after message_id',
        hex(`00000019 80000004 00000000 00000004 ${ascii('abc123')}00 ff ff`),
        'submit_sm_resp',
        'abc123',
      ],
      [
        'a submit_sm_resp with a message_id of 70 characters',
        hex(`00000057 80000004 00000000 00000004 ${ascii('a'.repeat(70))}00`),
        'submit_sm_resp',
        'a'.repeat(70),
      ],
      ['a deliver_sm_resp with a TLV', hex('00000016 80000005 00000000 00000004 00 0425 0001 01'), 'deliver_sm_resp', ''],
      ['a deliver_sm_resp with no body', hex('00000010 80000005 00000000 00000004'), 'deliver_sm_resp', ''],
    ])('%s', (_name, bytes, command, messageId) => {
      expect(decodePdu(bytes)).toMatchObject({ command, commandStatus: 0, sequenceNumber: 4, messageId });
    });

    it.each([
      ['a trailing NUL after short_message', '00'],
      ['three stray octets after short_message', '02 0c 00'],
    ])('a submit_sm with %s, read as if they were not there', (_name, extra) => {
      const plain = decodePdu(mutatedSubmitSm((body) => body));
      expect(decodePdu(mutatedSubmitSm((body) => Buffer.concat([body, hex(extra)])))).toEqual(plain);
    });

    it('a submit_sm with a trailing NUL after a TLV, the TLV kept', () => {
      const withTlv = mutatedSubmitSm((body) => Buffer.concat([body, hex('020c 0002 0007')]));
      const padded = mutatedSubmitSm((body) => Buffer.concat([body, hex('020c 0002 0007 00')]));
      expect(decodePdu(padded)).toEqual(decodePdu(withTlv));
      expect((decodePdu(padded) as SubmitSm).tlvs).toEqual([{ tag: 0x020c, value: hex('0007') }]);
    });

    /** The reference submit_sm as a deliver_sm (the same body), with `extra` after short_message. */
    function deliverSmWith(extra: string): Buffer {
      const bytes = mutatedSubmitSm((body) => Buffer.concat([body, hex(extra)]));
      bytes.writeUInt32BE(CommandId.DELIVER_SM, 4);
      return bytes;
    }

    it.each([
      ['garbage that is no TLV (a length past the end)', 'ffff ffff 0102 0304'],
      ['a TLV cut short', '020c 0002 01'],
      ['eight octets of NUL padding', '0000 0000 0000 0000'],
      ['a header with tag 0x0000, assigned to no TLV', '0000 0001 00'],
      ['a trailing NUL and then garbage', '00 41 42 43 44 45'],
    ])('a deliver_sm with %s after short_message, read as if it were not there', (_name, extra) => {
      const pdu = decodePdu(deliverSmWith(extra));
      expect(pdu).toEqual(decodePdu(deliverSmWith('')));
      expect(pdu).toMatchObject({ command: 'deliver_sm', shortMessage: Buffer.from('Hello', 'latin1'), tlvs: [] });
    });

    it.each([
      ['garbage', '0204 0002 0007 | 0427 0001 02 | 41 42 43 44 45 46'],
      ['a TLV cut short', '0204 0002 0007 | 0427 0001 02 | 0424 00a0 4142'],
      ['NUL padding', '0204 0002 0007 | 0427 0001 02 | 0000 0000 0000'],
    ])('a deliver_sm with well-formed TLVs and then %s keeps the TLVs', (_name, extra) => {
      const pdu = decodePdu(deliverSmWith(extra)) as SubmitSm;
      expect(pdu.tlvs).toEqual([
        { tag: TlvTag.user_message_reference, value: hex('0007') },
        { tag: TlvTag.message_state, value: hex('02') },
      ]);
    });

    it.each([
      ['a NUL', '00'],
      ['three NULs', '000000'],
    ])('a deliver_sm with %s after short_message and then TLVs, the TLVs still read', (_name, nuls) => {
      const pdu = decodePdu(deliverSmWith(`${nuls} 001e 0004 ${ascii('ab1')}00 | 0427 0001 02`)) as SubmitSm;
      expect(pdu.tlvs).toEqual([
        { tag: TlvTag.receipted_message_id, value: hex(`${ascii('ab1')}00`) },
        { tag: TlvTag.message_state, value: hex('02') },
      ]);
    });

    it('a deliver_sm whose TLVs are all well-formed reads every one, an empty one and a vendor one included', () => {
      const pdu = decodePdu(deliverSmWith('1500 0000 | 0424 0003 414243 | 001e 0001 00 | 1401 0001 00')) as SubmitSm;
      expect(pdu.tlvs).toEqual([
        { tag: 0x1500, value: Buffer.alloc(0) },
        { tag: TlvTag.message_payload, value: hex('414243') },
        { tag: TlvTag.receipted_message_id, value: hex('00') },
        { tag: 0x1401, value: hex('00') },
      ]);
    });

    it.each([
      ['a 1-octet user_message_reference', '0204 0001 07', TlvTag.user_message_reference, 7],
      ['a 4-octet user_message_reference', '0204 0004 00000107', TlvTag.user_message_reference, 0x0107],
      ['a 2-octet message_state', '0427 0002 0002', TlvTag.message_state, 2],
      ['a 1-octet sar_msg_ref_num', '020c 0001 2a', TlvTag.sar_msg_ref_num, 0x2a],
    ])('a submit_sm with %s, kept raw and read leniently', (_name, tlv, tag, number) => {
      const pdu = decodePdu(mutatedSubmitSm((body) => Buffer.concat([body, hex(`${tlv} | 0425 0001 01`)]))) as SubmitSm;
      expect(pdu.tlvs).toEqual([
        { tag, value: hex(tlv).subarray(4) },
        { tag: TlvTag.delivery_failure_reason, value: hex('01') },
      ]);
      expect(getTlvNumber(pdu, tag)).toBe(number);
      // What we send stays strict: the odd TLV is not re-encoded as it came.
      expect(() => encodePdu(pdu)).toThrow(expect.objectContaining({ code: 'INVALID_PDU' }));
    });

    it.each([
      ['without its NUL', `001e 0006 ${ascii('abc123')}`],
      ['with extra NULs', `001e 0009 ${ascii('abc123')}000000`],
    ])('a receipt whose receipted_message_id comes %s, read as the id', (_name, tlv) => {
      const pdu = decodePdu(mutatedSubmitSm((body) => Buffer.concat([body, hex(`${tlv} | 0427 0002 0002`)]))) as SubmitSm;
      expect(getTlvString(pdu, TlvTag.receipted_message_id)).toBe('abc123');
      expect(getTlvNumber(pdu, TlvTag.message_state)).toBe(MessageState.DELIVERED);
    });

    /** A deliver_sm with these schedule_delivery_time and validity_period, as text. */
    function deliverSmWithTimes(schedule: string, validity: string): Buffer {
      const bytes = hex(`
        00000000 00000005 00000000 00000002
        00 | 01 01 ${ascii('923000000001')}00 | 05 00 ${ascii('8300')}00 | 00 00 00 |
        ${ascii(schedule)}00 | ${ascii(validity)}00 | 00 00 00 00 | 05 ${ascii('Hello')}
      `);
      bytes.writeUInt32BE(bytes.length, 0);
      return bytes;
    }

    it.each([
      ['4 characters', '2501', ''],
      ['12 characters (no tenths or offset)', '', '250101120000'],
      ['17 characters', '2501011200000000+', ''],
      ['a relative time with odd digits', '', '000001000000123R'],
      ['40 characters', 'x'.repeat(40), 'y'.repeat(40)],
    ])('a deliver_sm whose time fields are %s, the text kept as it came', (_name, schedule, validity) => {
      const pdu = decodePdu(deliverSmWithTimes(schedule, validity)) as SubmitSm;
      expect(pdu).toMatchObject({
        command: 'deliver_sm',
        scheduleDeliveryTime: schedule,
        validityPeriod: validity,
        shortMessage: Buffer.from('Hello', 'latin1'),
      });
      expect(readSmppTime(pdu.scheduleDeliveryTime)).toBeNull();
      expect(readSmppTime(pdu.validityPeriod)).toBeNull();
    });

    it('a query_sm_resp whose final_date is 12 characters, the text kept as it came', () => {
      const pdu = decodePdu(hex(`00000022 80000003 00000000 00000004 ${ascii('m1')}00 ${ascii('250101120000')}00 02 00`));
      expect(pdu).toMatchObject({ command: 'query_sm_resp', messageId: 'm1', finalDate: '250101120000', messageState: 2, errorCode: 0 });
    });

    it.each([
      [
        'a system_id of 20 characters',
        hex(`0000002a 80000009 00000000 00000001 ${ascii('SMSC-GATEWAY-KARACHI')}00 | 0210 0001 34`),
        'SMSC-GATEWAY-KARACHI',
        [{ tag: TlvTag.sc_interface_version, value: hex('34') }],
      ],
      ['a system_id without its NUL', hex(`00000014 80000009 00000000 00000001 ${ascii('SMSC')}`), 'SMSC', []],
      ['a system_id of 20 characters without its NUL', hex(`00000024 80000009 00000000 00000001 ${ascii('SMSC-GATEWAY-KARACHI')}`), 'SMSC-GATEWAY-KARACHI', []],
      ['no body at all', hex('00000010 80000009 00000000 00000001'), '', []],
    ])('a successful bind_transceiver_resp with %s', (_name, bytes, systemId, tlvs) => {
      expect(decodePdu(bytes)).toEqual({ command: 'bind_transceiver_resp', commandId: 0x80000009, commandStatus: 0, sequenceNumber: 1, systemId, tlvs });
    });

    it.each([
      [
        'a bind_transmitter_resp whose system_id has 16 characters, sc_interface_version kept',
        hex(`00000026 80000002 00000000 00000004 ${ascii('cloudhopper-smsc')}00 0210 0001 34`),
        'bind_transmitter_resp',
        'cloudhopper-smsc',
        [{ tag: 0x0210, value: Buffer.from([0x34]) }],
      ],
      ['a bind_receiver_resp whose system_id has no NUL', hex(`00000013 80000001 00000000 00000004 ${ascii('abc')}`), 'bind_receiver_resp', 'abc', []],
      [
        'a bind_transceiver_resp with a TLV cut short, dropped',
        hex(`0000001a 80000009 00000000 00000004 ${ascii('smsc')}00 0210 0002 34`),
        'bind_transceiver_resp',
        'smsc',
        [],
      ],
    ])('%s', (_name, bytes, command, systemId, tlvs) => {
      expect(decodePdu(bytes)).toEqual({ command, commandId: bytes.readUInt32BE(4), commandStatus: 0, sequenceNumber: 4, systemId, tlvs });
    });

    it('keeps the TLVs of a data_sm_resp that parse, and drops those that do not', () => {
      const good = decodePdu(hex(`00000019 80000103 00000000 00000004 ${ascii('abc')}00 0425 0001 07`)) as DataSmResp;
      expect(good.tlvs).toEqual([{ tag: 0x0425, value: Buffer.from([7]) }]);
      const odd = decodePdu(hex(`00000017 80000103 00000000 00000004 ${ascii('abc')}00 0425 00`)) as DataSmResp;
      expect(odd).toMatchObject({ command: 'data_sm_resp', messageId: 'abc', tlvs: [] });
    });
  });

  describe('rejects malformed input with the status to answer', () => {
    it.each([
      ['a buffer shorter than the header', hex('00000010 00000015 0000'), CommandStatus.ESME_RINVCMDLEN, undefined],
      ['command_length below 16', hex('0000000c 00000015 00000000 00000004'), CommandStatus.ESME_RINVCMDLEN, 4],
      ['command_length not matching the buffer', hex('00000014 00000015 00000000 00000004'), CommandStatus.ESME_RINVCMDLEN, 4],
      ['an unknown command_id', hex('00000010 00001234 00000000 00000004'), CommandStatus.ESME_RINVCMDID, 4],
      ['trailing octets after a body-less PDU', hex('00000011 00000015 00000000 00000004 00'), CommandStatus.ESME_RINVCMDLEN, 4],
      [
        'trailing octets after query_sm',
        hex(`0000001c 00000003 00000000 00000004 ${ascii('abc')}00 01 01 ${ascii('123')}00 ff ff`),
        CommandStatus.ESME_RINVCMDLEN,
        4,
      ],
      ['a C-string missing its NUL at the end of the body', hex(`00000013 00000003 00000000 00000004 ${ascii('abc')}`), CommandStatus.ESME_RINVCMDLEN, 4],
      ['a bind body cut short', hex(`0000001c 00000002 00000000 00000004 ${ascii('sys')}00 ${ascii('pw')}00 00`), CommandStatus.ESME_RINVCMDLEN, 4],
      [
        'a system_id over 15 characters',
        hex(`00000027 00000002 00000000 00000004 ${ascii('abcdefghijklmnop')}00 00 00 34 00 00 00`),
        CommandStatus.ESME_RINVSYSID,
        4,
      ],
      ['a password over 8 characters', hex(`00000020 00000009 00000000 00000004 00 ${ascii('123456789')}00 00 34 00 00 00`), CommandStatus.ESME_RINVPASWD, 4],
    ])('%s', (_name, bytes, status, sequenceNumber) => {
      const error = decodeError(bytes);
      expect(error.commandStatus).toBe(status);
      expect(error.sequenceNumber).toBe(sequenceNumber);
      expect(error.code).toBe('DECODE_ERROR');
    });

    it('command_length above the configured maximum', () => {
      const bytes = Buffer.concat([hex('00000020 00000015 00000000 00000004'), Buffer.alloc(16)]);
      expect(decodeError(bytes, { maxPduLength: 24 }).commandStatus).toBe(CommandStatus.ESME_RINVCMDLEN);
      expect(() => decodePdu(bytes, { maxPduLength: 32 })).toThrow(SmppDecodeError);
    });

    it('a source_addr over 20 characters', () => {
      const bytes = hex(`
        00000000 00000004 00000000 00000002
        00 | 05 00 ${ascii('123456789012345678901')}00 | 01 01 ${ascii('923000000001')}00 |
        00 00 00 | 00 | 00 | 01 00 00 00 | 00
      `);
      bytes.writeUInt32BE(bytes.length, 0);
      expect(decodeError(bytes).commandStatus).toBe(CommandStatus.ESME_RINVSRCADR);
    });

    it('an sm_length that runs past the body', () => {
      const bytes = mutatedSubmitSm((body) => {
        body[body.length - 6] = 0x09;
        return body;
      });
      expect(decodeError(bytes).commandStatus).toBe(CommandStatus.ESME_RINVMSGLEN);
    });

    it('an sm_length above 254', () => {
      const bytes = mutatedSubmitSm((body) => {
        body[body.length - 6] = 0xff;
        return body;
      });
      expect(decodeError(bytes).commandStatus).toBe(CommandStatus.ESME_RINVMSGLEN);
    });

    it('a time field without its NUL at the end of the body', () => {
      const bytes = hex(`0000001f 80000003 00000000 00000004 ${ascii('m1')}00 ${ascii('250101120000')}`);
      expect(decodeError(bytes)).toMatchObject({
        commandStatus: CommandStatus.ESME_RINVCMDLEN,
        message: expect.stringContaining('finalDate has no terminating NUL'),
      });
    });

    it('a submit_multi dest_flag other than 1 or 2', () => {
      const bytes = hex(`0000001c 00000021 00000000 00000002 00 05 00 00 01 03 00 00 00 00 00 00`);
      expect(decodeError(bytes).commandStatus).toBe(CommandStatus.ESME_RINVDESTFLAG);
    });
  });

  describe('refuses to encode values the spec does not allow', () => {
    it.each([
      ['a source_addr over 20 characters', { ...submitSm, sourceAddr: '1'.repeat(21) }],
      ['a short_message over 254 octets', { ...submitSm, shortMessage: Buffer.alloc(255) }],
      ['an esm_class over 255', { ...submitSm, esmClass: 256 }],
      ['a validity_period of the wrong length', { ...submitSm, validityPeriod: '2501' }],
      ['a standard integer TLV of the wrong length', { ...submitSm, tlvs: [{ tag: TlvTag.sar_total_segments, value: hex('0002') }] }],
      ['a NUL inside a C-string', { ...submitSm, destinationAddr: '92\u00003' }],
      ['a non-ASCII C-string', { ...submitSm, sourceAddr: 'پرچی' }],
      ['a sequence_number above 32 bits', { ...submitSm, sequenceNumber: 2 ** 32 }],
    ])('%s', (_name, pdu) => {
      expect(() => encodePdu(pdu)).toThrow(expect.objectContaining({ code: 'INVALID_PDU', retriable: false }));
      expect(() => encodePdu(pdu)).toThrow(SmppError);
    });
  });
});
