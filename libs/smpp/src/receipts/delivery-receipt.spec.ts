import { deliverSmPdu } from '../testing/deliver-sm-pdu';
import { EsmClass, MessageState } from '../codec/field-values';
import type { DeliverSm, Tlv } from '../codec/pdu';
import { createTlv } from '../codec/tlv';
import { TlvTag } from '../codec/tlv-tag';
import { encodeUcs2 } from '../text/ucs2';
import {
  formatReceiptDate,
  formatReceiptId,
  formatReceiptText,
  INTERMEDIATE_DELIVERY_STATES,
  parseDeliveryReceipt,
  parseReceiptText,
  RECEIPT_STAT_WORD,
  receiptTextSample,
  type DeliveryState,
  type ReceiptTextFields,
} from './delivery-receipt';
import { normaliseMessageId } from './message-id';

function receipt(text: string | Buffer, tlvs: Tlv[] = [], dataCoding = 0): DeliverSm {
  const shortMessage = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  return deliverSmPdu({ esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT, dataCoding, shortMessage, tlvs });
}

describe('parseDeliveryReceipt', () => {
  it('reads a Kannel-style text receipt', () => {
    const r = parseDeliveryReceipt(
      receipt('id:1384216093 sub:001 dlvrd:001 submit date:2311301012 done date:2311301013 stat:DELIVRD err:000 text:Aap ka polling'),
    );
    expect(r).toEqual({
      messageId: '1384216093',
      normalisedIds: ['1384216093', String(0x1384216093), (1384216093).toString(16)],
      state: 'DELIVERED',
      final: true,
      errorCode: '000',
      submitDate: '2311301012',
      doneDate: '2311301013',
    });
  });

  it('reads a Jasmin-style receipt with a UUID id, upper-case keys and doubled spaces', () => {
    const r = parseDeliveryReceipt(
      receipt('ID:7e1b0c8a-4f0e-4b8a-9b1e-2c1d3f4a5b6c  SUB:001  DLVRD:000  SUBMIT DATE:231130101200  DONE DATE:231130101500  STAT:UNDELIV  ERR:011  TEXT:'),
    );
    expect(r).toMatchObject({
      messageId: '7e1b0c8a-4f0e-4b8a-9b1e-2c1d3f4a5b6c',
      state: 'UNDELIVERABLE',
      final: true,
      errorCode: '011',
      submitDate: '231130101200',
      doneDate: '231130101500',
    });
    expect(r?.normalisedIds).toEqual(['7e1b0c8a-4f0e-4b8a-9b1e-2c1d3f4a5b6c']);
  });

  it('prefers the receipted_message_id and message_state TLVs and keeps the text id as another candidate', () => {
    const r = parseDeliveryReceipt(
      receipt(`id:${0x5f3a9c} sub:001 dlvrd:000 submit date:2311301012 done date:2311301112 stat:EXPIRED err:000`, [
        createTlv(TlvTag.receipted_message_id, '005F3A9C'),
        createTlv(TlvTag.message_state, MessageState.DELIVERED),
      ]),
    );
    expect(r?.messageId).toBe('005F3A9C');
    expect(r?.state).toBe('DELIVERED');
    expect(r?.normalisedIds[0]).toBe('5f3a9c');
    expect(r?.normalisedIds).toContain(String(0x5f3a9c));
  });

  it('offers only the submit_sm_resp form of the id when the SMSC declares its receipts write hex ids in decimal', () => {
    const r = parseDeliveryReceipt(receipt(`id:${0x0a3f5c9e} sub:001 dlvrd:001 submit date:2311301012 done date:2311301013 stat:DELIVRD err:000`), {
      messageIdFormat: 'hex-to-decimal',
    });
    expect(r).toMatchObject({ messageId: String(0x0a3f5c9e), normalisedIds: ['a3f5c9e'], state: 'DELIVERED' });
  });

  it('reads the TLV id and the text id alike under a declared format', () => {
    const r = parseDeliveryReceipt(receipt('id:1715004 stat:DELIVRD', [createTlv(TlvTag.receipted_message_id, '1715004')]), {
      messageIdFormat: 'same',
    });
    expect(r?.normalisedIds).toEqual(['1715004']);
  });

  it('reads a receipt that carries only TLVs, with the network error code', () => {
    const r = parseDeliveryReceipt(
      receipt('', [
        createTlv(TlvTag.receipted_message_id, 'abc123'),
        createTlv(TlvTag.message_state, MessageState.UNDELIVERABLE),
        createTlv(TlvTag.network_error_code, Buffer.from([0x03, 0x00, 0x1b])),
      ]),
    );
    expect(r).toEqual({ messageId: 'abc123', normalisedIds: ['abc123', String(0xabc123)], state: 'UNDELIVERABLE', final: true, errorCode: '3:27' });
  });

  it('reads TLVs of odd lengths as some SMSCs send them: an id without its NUL, a 2-octet message_state, a short network_error_code ignored', () => {
    const r = parseDeliveryReceipt(
      receipt('', [
        { tag: TlvTag.receipted_message_id, value: Buffer.from('abc123', 'latin1') },
        { tag: TlvTag.message_state, value: Buffer.from([0x00, MessageState.DELIVERED]) },
        { tag: TlvTag.network_error_code, value: Buffer.from([0x03, 0x1b]) },
      ]),
    );
    expect(r).toEqual({ messageId: 'abc123', normalisedIds: ['abc123', String(0xabc123)], state: 'DELIVERED', final: true });
  });

  it('falls back to the text state when the message_state TLV holds no number', () => {
    const r = parseDeliveryReceipt(receipt('id:abc123 stat:UNDELIV', [{ tag: TlvTag.message_state, value: Buffer.alloc(0) }]));
    expect(r).toMatchObject({ messageId: 'abc123', state: 'UNDELIVERABLE', final: true });
  });

  it('reads the text from message_payload when short_message is empty', () => {
    const r = parseDeliveryReceipt(receipt('', [createTlv(TlvTag.message_payload, Buffer.from('id:77 stat:REJECTD err:003'))]));
    expect(r).toMatchObject({ messageId: '77', state: 'REJECTED', final: true, errorCode: '003' });
  });

  it('reads a receipt sent as UCS-2 text', () => {
    const r = parseDeliveryReceipt(receipt(encodeUcs2('id:42 stat:DELIVRD'), [], 0x08));
    expect(r).toMatchObject({ messageId: '42', state: 'DELIVERED' });
  });

  it('marks an en-route receipt as not final', () => {
    expect(parseDeliveryReceipt(receipt('id:9 sub:001 dlvrd:000 stat:ENROUTE err:000'))).toMatchObject({ state: 'ENROUTE', final: false });
  });

  it.each([
    ['DELIVRD', 'DELIVERED', true],
    ['delivrd', 'DELIVERED', true],
    ['DELIVERED', 'DELIVERED', true],
    ['EXPIRED', 'EXPIRED', true],
    ['DELETED', 'DELETED', true],
    ['UNDELIV', 'UNDELIVERABLE', true],
    ['FAILED', 'UNDELIVERABLE', true],
    ['UNKNOWN', 'UNKNOWN', true],
    ['REJECTD', 'REJECTED', true],
    ['SKIPPED', 'SKIPPED', true],
    ['ENROUTE', 'ENROUTE', false],
    ['ACCEPTD', 'ACCEPTED', false],
    ['ACKED', 'ACCEPTED', false],
    ['acked', 'ACCEPTED', false],
    ['BUFFRED', 'BUFFERED', false],
    ['BUFFERD', 'BUFFERED', false],
    ['BUFFERED', 'BUFFERED', false],
  ] as const)('reads stat:%s as %s, final %s', (word, state, final) => {
    expect(parseDeliveryReceipt(receipt(`id:1 sub:001 dlvrd:000 stat:${word} err:000`))).toMatchObject({ state, final });
  });

  it.each([
    [MessageState.ENROUTE, 'ENROUTE', false],
    [MessageState.DELIVERED, 'DELIVERED', true],
    [MessageState.EXPIRED, 'EXPIRED', true],
    [MessageState.DELETED, 'DELETED', true],
    [MessageState.UNDELIVERABLE, 'UNDELIVERABLE', true],
    [MessageState.ACCEPTED, 'ACCEPTED', false],
    [MessageState.UNKNOWN, 'UNKNOWN', true],
    [MessageState.REJECTED, 'REJECTED', true],
    [MessageState.SKIPPED, 'SKIPPED', true],
  ] as const)('reads the message_state TLV %i as %s, final %s', (value, state, final) => {
    expect(parseDeliveryReceipt(receipt('', [createTlv(TlvTag.receipted_message_id, '1f'), createTlv(TlvTag.message_state, value)]))).toMatchObject({
      state,
      final,
    });
  });

  it('lets a DELIVRD text state stand when the message_state TLV holds a value SMPP does not define', () => {
    expect(parseDeliveryReceipt(receipt('id:1f stat:DELIVRD', [createTlv(TlvTag.message_state, 42)]))).toMatchObject({ state: 'DELIVERED', final: true });
    expect(parseDeliveryReceipt(receipt('', [createTlv(TlvTag.receipted_message_id, '1f'), createTlv(TlvTag.message_state, 42)]))).toMatchObject({
      state: 'UNKNOWN',
      final: false,
    });
  });

  it('tolerates missing fields: an id and a stat are enough', () => {
    expect(parseDeliveryReceipt(receipt('id:0042 stat:DELIVRD'))).toEqual({
      messageId: '0042',
      normalisedIds: ['42', String(0x42), (42).toString(16)],
      state: 'DELIVERED',
      final: true,
    });
  });

  it('reports a receipt without a state it understands as UNKNOWN and not final', () => {
    expect(parseDeliveryReceipt(receipt('id:5 sub:001 dlvrd:001'))).toMatchObject({ state: 'UNKNOWN', final: false });
    expect(parseDeliveryReceipt(receipt('id:5 stat:WHATEVER'))).toMatchObject({ state: 'UNKNOWN', final: false });
  });

  it('does not read keys out of the free text after text:', () => {
    const r = parseDeliveryReceipt(receipt('id:100 stat:DELIVRD err:000 text:id:999 stat:UNDELIV'));
    expect(r).toMatchObject({ messageId: '100', state: 'DELIVERED' });
  });

  it('gives null for text that is not a receipt', () => {
    expect(parseDeliveryReceipt(receipt('3520212345671'))).toBeNull();
    expect(parseDeliveryReceipt(receipt(''))).toBeNull();
    expect(parseDeliveryReceipt(receipt('id: stat:DELIVRD'))).toBeNull();
    expect(parseDeliveryReceipt(receipt(Buffer.from([0xff, 0x00, 0x13, 0x3a])))).toBeNull();
  });
});

describe('parseReceiptText', () => {
  it('splits the fields with case-insensitive keys and spaces around the colon', () => {
    const fields = parseReceiptText('id : 12  Sub:001 DLVRD:001 Submit Date: 2311301012 done  date:2311301013 stat:DELIVRD');
    expect(Object.fromEntries(fields)).toEqual({ id: '12', sub: '001', dlvrd: '001', 'submit date': '2311301012', 'done date': '2311301013', stat: 'DELIVRD' });
  });
});

describe('formatReceiptText', () => {
  const submitted = new Date(Date.UTC(2026, 1, 8, 9, 5, 30));
  const done = new Date(Date.UTC(2026, 1, 8, 9, 7, 1));
  const fields = (over: Partial<ReceiptTextFields> = {}): ReceiptTextFields => ({
    id: '1a2b3c4d00000001',
    dlvrd: 1,
    submitDate: submitted,
    doneDate: done,
    stat: 'DELIVRD',
    err: '000',
    text: 'Your polling station is GBPS No 1',
    ...over,
  });

  it('writes the appendix B form', () => {
    expect(formatReceiptText(fields())).toBe(
      'id:1a2b3c4d00000001 sub:001 dlvrd:001 submit date:2602080905 done date:2602080907 stat:DELIVRD err:000 text:Your polling station',
    );
    expect(formatReceiptText(fields({ sub: 3, dlvrd: 0, err: 11, text: undefined, submitDate: '260208090530' }))).toBe(
      'id:1a2b3c4d00000001 sub:003 dlvrd:000 submit date:260208090530 done date:2602080907 stat:DELIVRD err:011 text:',
    );
  });

  it.each(Object.entries(RECEIPT_STAT_WORD) as Array<[DeliveryState, (typeof RECEIPT_STAT_WORD)[DeliveryState]]>)(
    'writes %s as stat:%s, which the parser reads back',
    (state, word) => {
      const text = formatReceiptText(fields({ stat: word, err: 7 }));
      expect(text).toContain(` stat:${word} `);
      expect(parseDeliveryReceipt(receipt(text))).toEqual({
        messageId: '1a2b3c4d00000001',
        normalisedIds: normaliseMessageId('1a2b3c4d00000001'),
        state,
        final: !INTERMEDIATE_DELIVERY_STATES.has(state),
        errorCode: '007',
        submitDate: '2602080905',
        doneDate: '2602080907',
      });
    },
  );

  it.each([
    ['a hex id as it is', '1a2b3c4d00000001', 'hex'],
    ['a zero-padded hex id as it is', '00000000000000ff', 'hex'],
    ['an upper-case hex id as it is', '5F3A9C', 'hex'],
    ['a hex id in decimal', '1a2b3c4d00000001', 'decimal'],
    ['a zero-padded hex id in decimal', '00000000000000ff', 'decimal'],
    ['the largest 64-bit id in decimal', 'ffffffffffffffff', 'decimal'],
    ['an all-digit id as it is', '1384216093', 'hex'],
  ] as const)('writes %s so that the parser finds the message again', (_name, messageId, form) => {
    const shown = formatReceiptId(messageId, form);
    const parsed = parseDeliveryReceipt(receipt(formatReceiptText(fields({ id: shown }))));
    expect(parsed?.messageId).toBe(shown);
    expect(parsed?.normalisedIds.some((id) => normaliseMessageId(messageId).includes(id))).toBe(true);
  });

  it('writes a UUID id as it is, and reads it back', () => {
    const id = '7e1b0c8a-4f0e-4b8a-9b1e-2c1d3f4a5b6c';
    expect(parseDeliveryReceipt(receipt(formatReceiptText(fields({ id, stat: 'UNDELIV' }))))).toMatchObject({
      messageId: id,
      normalisedIds: [id],
      state: 'UNDELIVERABLE',
    });
  });

  it('reads back every field, the text sample included, even when the sample looks like keys', () => {
    const text = formatReceiptText(fields({ sub: 2, dlvrd: 2, text: 'id:9 stat:UNDELIV ووٹ' }));
    expect(Object.fromEntries(parseReceiptText(text))).toEqual({
      id: '1a2b3c4d00000001',
      sub: '002',
      dlvrd: '002',
      'submit date': '2602080905',
      'done date': '2602080907',
      stat: 'DELIVRD',
      err: '000',
      text: 'id:9 stat:UNDELIV ??',
    });
    expect(parseDeliveryReceipt(receipt(text))).toMatchObject({ messageId: '1a2b3c4d00000001', state: 'DELIVERED' });
  });

  it('refuses an id the parser could not read back', () => {
    expect(() => formatReceiptText(fields({ id: '' }))).toThrow(/empty or holds whitespace/);
    expect(() => formatReceiptText(fields({ id: 'a b' }))).toThrow(/empty or holds whitespace/);
    expect(() => formatReceiptId('7e1b0c8a-4f0e', 'decimal')).toThrow(/not hexadecimal/);
  });

  it('formats dates as YYMMDDhhmm in UTC', () => {
    expect(formatReceiptDate(submitted)).toBe('2602080905');
    expect(formatReceiptDate(new Date(Date.UTC(2009, 11, 31, 23, 59, 59)))).toBe('0912312359');
  });

  it('samples the first 20 characters, printable ASCII only', () => {
    expect(receiptTextSample('Your polling station is GBPS No 1')).toBe('Your polling station');
    expect(receiptTextSample('ووٹ 12')).toBe('??? 12');
    expect(receiptTextSample('tab\there')).toBe('tab?here');
    expect(receiptTextSample('')).toBe('');
  });
});
