import { decodeTlvValue, getTlvBuffer, getTlvNumber, getTlvString } from './tlv';
import { TlvTag } from './tlv-tag';

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s/g, ''), 'hex');
}

function withTlv(tag: number, value: string): { tlvs: Array<{ tag: number; value: Buffer }> } {
  return { tlvs: [{ tag, value: hex(value) }] };
}

describe('typed TLV readers, on a TLV whose length its type does not allow', () => {
  it.each([
    ['a 1-octet sar_msg_ref_num (nominally 2)', TlvTag.sar_msg_ref_num, '07', 7],
    ['a 4-octet user_message_reference (nominally 2)', TlvTag.user_message_reference, '00000102', 0x0102],
    ['a 2-octet message_state (nominally 1)', TlvTag.message_state, '0002', 2],
    ['a 4-octet message_state', TlvTag.message_state, '00000005', 5],
  ])('read %s as the number its octets hold', (_name, tag, value, expected) => {
    expect(getTlvNumber(withTlv(tag, value), tag)).toBe(expected);
    expect(decodeTlvValue({ tag, value: hex(value) })).toBe(expected);
  });

  it.each([
    ['no octets', ''],
    ['five octets', '0000000002'],
  ])('treat an integer TLV of %s as absent, keeping its octets readable', (_name, value) => {
    const pdu = withTlv(TlvTag.message_state, value);
    expect(getTlvNumber(pdu, TlvTag.message_state)).toBeUndefined();
    expect(decodeTlvValue(pdu.tlvs[0])).toEqual(hex(value));
    expect(getTlvBuffer(pdu, TlvTag.message_state)).toEqual(hex(value));
  });

  it.each([
    ['without its NUL', '616263'],
    ['with extra NULs', '61626300 0000'],
    ['with octets after its NUL', '61626300 ff'],
  ])('read a receipted_message_id %s up to its first NUL', (_name, value) => {
    expect(getTlvString(withTlv(TlvTag.receipted_message_id, value), TlvTag.receipted_message_id)).toBe('abc');
  });

  it('still refuses to read a string TLV as a number', () => {
    expect(() => getTlvNumber(withTlv(TlvTag.receipted_message_id, '6100'), TlvTag.receipted_message_id)).toThrow(
      expect.objectContaining({ code: 'INVALID_PDU' }),
    );
  });
});
