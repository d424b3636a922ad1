import { EsmClass, getTlvNumber, getTlvString, MessageState, parseDeliveryReceipt, submitSmBody, TlvTag, type SubmitSm } from '@parchee/smpp';
import { deliverSmPdu } from '@parchee/smpp/testing';
import type { ReceiptForm } from './fault-plan';
import { receiptDeliverSm, receiptText, type ReceiptInput } from './delivery-receipt';

const sm = {
  command: 'submit_sm',
  commandId: 4,
  commandStatus: 0,
  sequenceNumber: 9,
  ...submitSmBody({
    sourceAddr: '8300',
    sourceAddrTon: 0,
    sourceAddrNpi: 0,
    destinationAddr: '923001234567',
    destAddrTon: 1,
    destAddrNpi: 1,
    registeredDelivery: 1,
    shortMessage: Buffer.from('Your polling station is GBPS No 1 Lahore'),
  }),
} as SubmitSm;

const submittedAt = new Date(Date.UTC(2026, 1, 8, 9, 5, 30));
const doneAt = new Date(Date.UTC(2026, 1, 8, 9, 7, 1));

describe('delivery receipts', () => {
  it('writes the standard receipt text', () => {
    const text = receiptText({
      sm,
      messageId: '1a2b3c4d00000001',
      decision: { stat: 'DELIVRD', intermediates: [], delayMs: 0, idForm: 'hex', form: 'standard' },
      submittedAt,
      doneAt,
    });
    expect(text).toBe('id:1a2b3c4d00000001 sub:001 dlvrd:001 submit date:2602080905 done date:2602080907 stat:DELIVRD err:000 text:Your polling station');
    const undelivered = receiptText({
      sm,
      messageId: '0000000000000010',
      decision: { stat: 'UNDELIV', intermediates: [], delayMs: 0, idForm: 'decimal', form: 'standard' },
      submittedAt,
      doneAt,
    });
    expect(undelivered).toMatch(/^id:16 sub:001 dlvrd:000 .* stat:UNDELIV err:001 text:/);
  });

  it('shows the id as given or as the decimal value of the same hex number', () => {
    const text = (messageId: string, idForm: 'hex' | 'decimal') =>
      receiptText({ sm, messageId, decision: { stat: 'DELIVRD', intermediates: [], delayMs: 0, idForm, form: 'standard' }, submittedAt, doneAt });
    expect(text('00000000000000ff', 'hex')).toMatch(/^id:00000000000000ff /);
    expect(text('00000000000000ff', 'decimal')).toMatch(/^id:255 /);
    expect(text('ffffffffffffffff', 'decimal')).toMatch(/^id:18446744073709551615 /);
  });

  it('samples the text after a UDH and replaces what is not printable ASCII', () => {
    const sample = (part: Pick<SubmitSm, 'esmClass' | 'dataCoding' | 'shortMessage'>) =>
      receiptText({
        sm: { ...sm, ...part },
        messageId: '01',
        decision: { stat: 'DELIVRD', intermediates: [], delayMs: 0, idForm: 'hex', form: 'standard' },
        submittedAt,
        doneAt,
      }).split(' text:')[1];
    const udh = Buffer.from([0x05, 0x00, 0x03, 0x01, 0x02, 0x01]);
    expect(sample({ esmClass: EsmClass.UDHI_INDICATOR, dataCoding: 0, shortMessage: Buffer.concat([udh, Buffer.from('part one')]) })).toBe('part one');
    const urdu = Buffer.from('ووٹ 12', 'utf16le').swap16();
    expect(sample({ esmClass: 0, dataCoding: 8, shortMessage: urdu })).toBe('??? 12');
    expect(sample({ esmClass: 0, dataCoding: 4, shortMessage: Buffer.from([1, 2]) })).toBe('');
  });

  it('goes back from the subscriber to the sender as an SMSC delivery receipt with both TLVs', () => {
    const fields = receiptDeliverSm({
      sm,
      messageId: '1a2b3c4d00000001',
      decision: { stat: 'EXPIRED', intermediates: [], delayMs: 0, idForm: 'decimal', form: 'standard' },
      submittedAt,
      doneAt,
    });
    expect(fields).toMatchObject({
      sourceAddr: '923001234567',
      sourceAddrTon: 1,
      sourceAddrNpi: 1,
      destinationAddr: '8300',
      destAddrTon: 0,
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      dataCoding: 0,
    });
    const withTlvs = { tlvs: fields.tlvs ?? [] };
    expect(getTlvString(withTlvs, TlvTag.receipted_message_id)).toBe('1a2b3c4d00000001');
    expect(getTlvNumber(withTlvs, TlvTag.message_state)).toBe(MessageState.EXPIRED);
    expect(fields.shortMessage.toString('latin1')).toContain(`id:${BigInt('0x1a2b3c4d00000001').toString(10)} `);
  });

  it.each([
    ['ACKED', MessageState.ACCEPTED, 'ACCEPTED', 'ACCEPTED', false],
    ['ACCEPTD', MessageState.ACCEPTED, 'ACCEPTED', 'ACCEPTED', false],
    ['BUFFRED', MessageState.ENROUTE, 'ENROUTE', 'BUFFERED', false],
    ['ENROUTE', MessageState.ENROUTE, 'ENROUTE', 'ENROUTE', false],
    ['SKIPPED', MessageState.SKIPPED, 'SKIPPED', 'SKIPPED', true],
  ] as const)('writes stat:%s with message_state %i, read back as %s by the TLV and %s by the text (final: %s)', (stat, messageState, byTlv, byText, final) => {
    const fields = receiptDeliverSm({
      sm,
      messageId: '1a2b3c4d00000001',
      decision: { stat: 'DELIVRD', intermediates: ['ACKED'], delayMs: 0, idForm: 'hex', form: 'standard' },
      stat,
      submittedAt,
      doneAt,
    });
    const text = fields.shortMessage.toString('latin1');
    expect(text).toContain(` dlvrd:000 `);
    expect(text).toContain(` stat:${stat} err:`);
    expect(getTlvNumber({ tlvs: fields.tlvs ?? [] }, TlvTag.message_state)).toBe(messageState);
    // Read back as the services read it: the TLV wins; without it, the text alone.
    const pdu = { ...deliverSmPdu(fields), tlvs: fields.tlvs ?? [] };
    expect(parseDeliveryReceipt(pdu)).toMatchObject({ state: byTlv, final });
    expect(parseDeliveryReceipt({ ...pdu, tlvs: [] })).toMatchObject({ state: byText, final });
  });

  describe('forms', () => {
    const input = (form: ReceiptForm): ReceiptInput => ({
      sm,
      messageId: '1a2b3c4d00000001',
      decision: { stat: 'UNDELIV', intermediates: [], delayMs: 0, idForm: 'hex', form },
      submittedAt,
      doneAt,
    });
    const standardText = receiptText(input('standard'));
    const tlvsOf = (form: ReceiptForm) => {
      const fields = receiptDeliverSm(input(form));
      const withTlvs = { tlvs: fields.tlvs ?? [] };
      return {
        count: withTlvs.tlvs.length,
        receiptedMessageId: getTlvString(withTlvs, TlvTag.receipted_message_id),
        messageState: getTlvNumber(withTlvs, TlvTag.message_state),
      };
    };
    const bothTlvs = { count: 2, receiptedMessageId: '1a2b3c4d00000001', messageState: MessageState.UNDELIVERABLE };

    it.each([
      ['standard', EsmClass.TYPE_SMSC_DELIVERY_RECEIPT],
      ['intermediate', EsmClass.TYPE_INTERMEDIATE_DELIVERY_NOTIFICATION],
      ['sme-ack', EsmClass.TYPE_ESME_DELIVERY_ACK],
    ] as const)('marks a "%s" receipt with esm_class %i and carries both the text and the TLVs', (form, esmClass) => {
      const fields = receiptDeliverSm(input(form));
      expect(fields.esmClass).toBe(esmClass);
      expect(fields.dataCoding).toBe(0);
      expect(fields.shortMessage.toString('latin1')).toBe(standardText);
      expect(tlvsOf(form)).toEqual(bothTlvs);
    });

    it('sends an "esm0-text" receipt as esm_class 0 with the text and no TLVs', () => {
      const fields = receiptDeliverSm(input('esm0-text'));
      expect(fields.esmClass).toBe(EsmClass.TYPE_DEFAULT);
      expect(fields.shortMessage.toString('latin1')).toBe(standardText);
      expect(fields.tlvs).toEqual([]);
    });

    it('sends an "esm0-tlv" receipt as esm_class 0 with both TLVs and an empty short_message', () => {
      const fields = receiptDeliverSm(input('esm0-tlv'));
      expect(fields.esmClass).toBe(EsmClass.TYPE_DEFAULT);
      expect(fields.shortMessage).toHaveLength(0);
      expect(tlvsOf('esm0-tlv')).toEqual(bothTlvs);
    });

    it('addresses every form from the subscriber back to the sender', () => {
      for (const form of ['standard', 'intermediate', 'sme-ack', 'esm0-text', 'esm0-tlv'] as const) {
        expect(receiptDeliverSm(input(form))).toMatchObject({ sourceAddr: '923001234567', sourceAddrTon: 1, destinationAddr: '8300', destAddrTon: 0 });
      }
    });
  });
});
