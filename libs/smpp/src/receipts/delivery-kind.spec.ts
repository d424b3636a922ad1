import { deliverSmPdu } from '../testing/deliver-sm-pdu';
import { EsmClass, MessageState } from '../codec/field-values';
import type { DeliverSm, Tlv } from '../codec/pdu';
import { createTlv } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import { encodeUcs2 } from '../text/ucs2';
import { deliveryKind } from './delivery-kind';

const RECEIPT_TEXT = 'id:0A1B2C3D sub:001 dlvrd:001 submit date:2312011012 done date:2312011013 stat:DELIVRD err:000 text:Aap ka';

function pdu(esmClass: number, text: string | Buffer, tlvs: Tlv[] = [], dataCoding = 0): DeliverSm {
  return deliverSmPdu({ esmClass, dataCoding, shortMessage: typeof text === 'string' ? Buffer.from(text, 'latin1') : text, tlvs });
}

describe('deliveryKind', () => {
  it('reads a plain subscriber message as an MO, whatever its text or GSM feature bits', () => {
    expect(deliveryKind(pdu(0, '3520212345671'))).toBe('mo');
    expect(deliveryKind(pdu(0, 'my id: 3520212345671'))).toBe('mo');
    expect(deliveryKind(pdu(EsmClass.UDHI_INDICATOR, Buffer.from([5, 0, 3, 1, 2, 1, 0x41])))).toBe('mo');
    expect(deliveryKind(pdu(EsmClass.REPLY_PATH | EsmClass.MODE_STORE_AND_FORWARD, 'help'))).toBe('mo');
    expect(deliveryKind(pdu(0, encodeUcs2('شناختی کارڈ 3520212345671'), [], 8))).toBe('mo');
  });

  it('never reads a typed receipt or notice as an MO: 0x04, 0x20, 0x08, 0x10 and 0x18', () => {
    expect(deliveryKind(pdu(EsmClass.TYPE_SMSC_DELIVERY_RECEIPT, RECEIPT_TEXT))).toBe('delivery_receipt');
    expect(deliveryKind(pdu(EsmClass.TYPE_INTERMEDIATE_DELIVERY_NOTIFICATION, RECEIPT_TEXT))).toBe('intermediate_notification');
    expect(deliveryKind(pdu(EsmClass.TYPE_ESME_DELIVERY_ACK, ''))).toBe('sme_ack');
    expect(deliveryKind(pdu(EsmClass.TYPE_ESME_USER_ACK, 'ok'))).toBe('sme_ack');
    expect(deliveryKind(pdu(EsmClass.TYPE_CONVERSATION_ABORT, ''))).toBe('conversation_abort');
  });

  it('treats a reserved message type as a receipt: answering it could loop', () => {
    expect(deliveryKind(pdu(0x0c, 'anything'))).toBe('delivery_receipt');
  });

  it('reads an esm_class 0 PDU with receipt text, receipted_message_id or message_state as a receipt', () => {
    expect(deliveryKind(pdu(0, RECEIPT_TEXT))).toBe('untyped_receipt');
    expect(deliveryKind(pdu(0, 'ID:77 STAT:UNDELIV'))).toBe('untyped_receipt');
    expect(deliveryKind(pdu(0, encodeUcs2(RECEIPT_TEXT), [], 8))).toBe('untyped_receipt');
    expect(deliveryKind(pdu(0, '', [createTlv(TlvTag.receipted_message_id, '0A1B2C3D')]))).toBe('untyped_receipt');
    expect(deliveryKind(pdu(0, '', [createTlv(TlvTag.message_state, MessageState.DELIVERED)]))).toBe('untyped_receipt');
    expect(deliveryKind(pdu(0, '', [createTlv(TlvTag.message_payload, Buffer.from(RECEIPT_TEXT, 'latin1'))]))).toBe('untyped_receipt');
  });

  it('needs both an id and a stat field before it calls receipt text a receipt', () => {
    expect(deliveryKind(pdu(0, 'stat: 3520212345671'))).toBe('mo');
    expect(deliveryKind(pdu(0, 'id: 3520212345671'))).toBe('mo');
  });

  it('reads a USSD dialog step as USSD: service_type USSD or a ussd_service_op TLV', () => {
    expect(deliveryKind({ ...pdu(0, '*8300#'), serviceType: 'USSD' })).toBe('ussd');
    expect(deliveryKind({ ...pdu(0, '1'), serviceType: 'ussd ' })).toBe('ussd');
    expect(deliveryKind(pdu(0, '*8300#', [createTlv(TlvTag.ussd_service_op, 1)]))).toBe('ussd');
    expect(deliveryKind({ ...pdu(0, '3520212345671'), serviceType: 'CMT' })).toBe('mo');
  });

  it('reads service_type USSD padded with NULs or spaces, in any case, as USSD', () => {
    expect(deliveryKind({ ...pdu(0, '1'), serviceType: 'USSD\0' })).toBe('ussd');
    expect(deliveryKind({ ...pdu(0, '1'), serviceType: ' Ussd' })).toBe('ussd');
    expect(deliveryKind({ ...pdu(0, '1'), serviceType: 'US SD' })).toBe('mo');
  });

  it('keeps a receipt a receipt when it also carries service_type USSD or a ussd_service_op TLV', () => {
    const ussdOp = createTlv(TlvTag.ussd_service_op, 1);
    expect(deliveryKind({ ...pdu(EsmClass.TYPE_SMSC_DELIVERY_RECEIPT, RECEIPT_TEXT), serviceType: 'USSD' })).toBe('delivery_receipt');
    expect(deliveryKind(pdu(EsmClass.TYPE_SMSC_DELIVERY_RECEIPT, RECEIPT_TEXT, [ussdOp]))).toBe('delivery_receipt');
    expect(deliveryKind(pdu(EsmClass.TYPE_INTERMEDIATE_DELIVERY_NOTIFICATION, RECEIPT_TEXT, [ussdOp]))).toBe('intermediate_notification');
    expect(deliveryKind({ ...pdu(0, '', [createTlv(TlvTag.receipted_message_id, '0A1B2C3D')]), serviceType: 'USSD' })).toBe('untyped_receipt');
  });
});
