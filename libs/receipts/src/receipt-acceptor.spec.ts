import { deliverSmPdu } from '@parchee/smpp/testing';
import { Topics, decodeDlr } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { CommandStatus, EsmClass, MessageState, TlvTag, createTlv, type DeliverSm } from '@parchee/smpp';
import { ReceiptAcceptor, type ReceiptOutcome, type ReceiptPublisher } from './receipt-acceptor';

class FakePublisher implements ReceiptPublisher {
  records: OutgoingRecord[] = [];
  fail = false;
  private release?: () => void;
  held = false;
  async publish(records: OutgoingRecord[]): Promise<void> {
    if (this.held) await new Promise<void>((r) => (this.release = r));
    if (this.fail) throw Object.assign(new Error('broker down'), { retriable: true });
    this.records.push(...records);
  }
  ack(): void {
    this.release?.();
  }
}

function receipt(text: string, tlvs: DeliverSm['tlvs'] = []): DeliverSm {
  return deliverSmPdu({ esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT, shortMessage: Buffer.from(text), tlvs });
}

describe('ReceiptAcceptor', () => {
  it('publishes the parsed receipt to sms.dlr.v1, keyed by operator and canonical id', async () => {
    const publisher = new FakePublisher();
    const outcomes: ReceiptOutcome[] = [];
    const acceptor = new ReceiptAcceptor(publisher, { now: () => 77, onOutcome: (_op, o) => outcomes.push(o) });
    const status = await acceptor.accept(
      'jazz',
      receipt('id:0A3F5C9E sub:001 dlvrd:001 submit date:2311301012 done date:2311301013 stat:UNDELIV err:011 text:'),
    );
    expect(status).toBe(CommandStatus.ESME_ROK);
    expect(outcomes).toEqual(['receipt']);
    expect(publisher.records).toHaveLength(1);
    expect(publisher.records[0].topic).toBe(Topics.DLR);
    expect(publisher.records[0].key).toBe('jazz:a3f5c9e');
    expect(decodeDlr(publisher.records[0].value)).toEqual({
      v: 1,
      id: expect.any(String),
      operator: 'jazz',
      messageId: '0A3F5C9E',
      normalisedIds: ['a3f5c9e', String(0x0a3f5c9e)],
      state: 'UNDELIVERABLE',
      final: true,
      errorCode: '011',
      receivedAt: 77,
    });
  });

  it("offers egress only the submit_sm_resp form of the id for an operator whose link declares its receipts' id format", async () => {
    const publisher = new FakePublisher();
    const acceptor = new ReceiptAcceptor(publisher, { messageIdFormats: new Map([['jazz', 'hex-to-decimal' as const]]) });
    const text = `id:${0x0a3f5c9e} sub:001 dlvrd:001 submit date:2311301012 done date:2311301013 stat:DELIVRD err:000 text:`;
    await acceptor.accept('jazz', receipt(text));
    await acceptor.accept('zong', receipt(text));
    const [jazz, zong] = publisher.records.map((r) => decodeDlr(r.value));
    expect(publisher.records[0].key).toBe('jazz:a3f5c9e');
    expect(jazz).toMatchObject({ messageId: String(0x0a3f5c9e), normalisedIds: ['a3f5c9e'] });
    // An operator without a declared format keeps every reading, the id as written first.
    expect(zong.normalisedIds).toEqual([String(0x0a3f5c9e), BigInt(`0x${0x0a3f5c9e}`).toString(10), 'a3f5c9e']);
  });

  it('never puts the MSISDN of the receipt in the key or the record', async () => {
    const publisher = new FakePublisher();
    await new ReceiptAcceptor(publisher).accept('zong', receipt('id:123 stat:DELIVRD', [createTlv(TlvTag.message_state, MessageState.DELIVERED)]));
    expect(publisher.records[0].key).not.toContain('3001234567');
    expect(publisher.records[0].value.toString('utf8')).not.toContain('3001234567');
  });

  it('acks the receipt only after the publish resolved', async () => {
    const publisher = new FakePublisher();
    publisher.held = true;
    let answered = false;
    const pending = new ReceiptAcceptor(publisher).accept('jazz', receipt('id:1 stat:DELIVRD')).then((s) => {
      answered = true;
      return s;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(answered).toBe(false);
    publisher.ack();
    expect(await pending).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records).toHaveLength(1);
  });

  it('asks the SMSC to retry with a temporary error when Kafka cannot take the receipt', async () => {
    const publisher = new FakePublisher();
    publisher.fail = true;
    const outcomes: ReceiptOutcome[] = [];
    const status = await new ReceiptAcceptor(publisher, { onOutcome: (_op, o) => outcomes.push(o) }).accept('jazz', receipt('id:1 stat:DELIVRD'));
    expect(status).toBe(CommandStatus.ESME_RX_T_APPN);
    expect(outcomes).toEqual(['receipt_publish_failed']);
  });

  it('acks an unreadable receipt so the SMSC stops retrying it, publishes nothing and counts it', async () => {
    const publisher = new FakePublisher();
    const outcomes: Array<[string, ReceiptOutcome]> = [];
    const status = await new ReceiptAcceptor(publisher, { onOutcome: (op, o) => outcomes.push([op, o]) }).accept('ufone', receipt('delivered, thanks'));
    expect(status).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records).toHaveLength(0);
    expect(outcomes).toEqual([['ufone', 'receipt_unparsed']]);
  });
});
