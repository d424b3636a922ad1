import { deliverSmPdu } from '@parchee/smpp/testing';
import { Topics, decodeDlr, decodeMo } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { silentLogger, type Logger } from '@parchee/observability';
import { KeyedHasher } from '@parchee/privacy';
import { CommandStatus, EsmClass, MessageState, TlvTag, createTlv, encodeUcs2, segmentForSms, type DeliverSm } from '@parchee/smpp';
import type { SeenMo, SeenMoStore } from '../dedupe/seen-mo-store';
import type { MoPart, MoPartOutcome, MoPartStore } from '../reassembly/mo-part-store';
import { MoAcceptor, type MoPublisher } from './mo-acceptor';

const hasher = new KeyedHasher('unit-test-pepper-0123456789abcdef');
const CNIC_HASH = KeyedHasher.text(hasher.cnic('3520212345671'));

/** The CNIC hash an MO's request carries under the test pepper, or null for a non-lookup. */
function cnicHashOf(value: Buffer | null): string | null {
  const { request } = decodeMo(value);
  return request.kind === 'lookup' ? (request.cnic.hashes[hasher.id] ?? null) : null;
}

class FakePublisher implements MoPublisher {
  records: OutgoingRecord[] = [];
  fail = false;
  async publish(records: OutgoingRecord[]): Promise<void> {
    if (this.fail) throw Object.assign(new Error('broker down'), { retriable: true });
    this.records.push(...records);
  }
}

function deliverSm(fields: Partial<DeliverSm>): DeliverSm {
  return deliverSmPdu({ shortMessage: Buffer.from('3520212345671'), ...fields });
}

describe('MoAcceptor', () => {
  it('publishes the MO and answers ESME_ROK only after the publish resolved', async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', now: () => 42 });
    const status = await acceptor.accept('jazz', deliverSm({}));
    expect(status).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records).toHaveLength(1);
    expect(publisher.records[0].topic).toBe(Topics.MO);
    expect(decodeMo(publisher.records[0].value)).toMatchObject({ operator: 'jazz', msisdn: '923001234567', receivedAt: 42, shortCode: '8300', textLength: 13 });
    expect(cnicHashOf(publisher.records[0].value)).toBe(CNIC_HASH);
  });

  it('publishes the CNIC only as keyed hashes: the text never reaches Kafka', async () => {
    const publisher = new FakePublisher();
    await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({ shortMessage: Buffer.from('E 35202-1234567-1 please') }));
    const wire = publisher.records[0].value?.toString('utf8') ?? '';
    expect(wire).not.toMatch(/3520212345671|35202-1234567|please/);
    expect(decodeMo(publisher.records[0].value).request).toMatchObject({ kind: 'lookup', lang: 'en' });
  });

  it('hashes the CNIC under both peppers while the pepper is being rotated', async () => {
    const publisher = new FakePublisher();
    const next = new KeyedHasher('the-next-pepper-0123456789abcdef');
    await new MoAcceptor(publisher, hasher, { shortCode: '8300', nextPepper: next }).accept('jazz', deliverSm({}));
    const { request } = decodeMo(publisher.records[0].value);
    expect(request.kind === 'lookup' && request.cnic.hashes).toEqual({ [hasher.id]: CNIC_HASH, [next.id]: KeyedHasher.text(next.cnic('3520212345671')) });
    // Kafka keys and every other MSISDN use stay on the current pepper.
    expect(publisher.records[0].key).toBe(KeyedHasher.text(hasher.msisdn('923001234567')));
  });

  it('publishes help and invalid requests as such, with no hash', async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300' });
    await acceptor.accept('jazz', deliverSm({ shortMessage: Buffer.from('HELP') }));
    await acceptor.accept('jazz', deliverSm({ shortMessage: Buffer.from('352021234567') }));
    expect(publisher.records.map((r) => decodeMo(r.value).request)).toEqual([
      { kind: 'help', lang: 'ur' },
      { kind: 'invalid', reason: 'wrong_length', lang: 'ur' },
    ]);
  });

  it('keys the record by the keyed hash of the MSISDN, never the MSISDN itself', async () => {
    const publisher = new FakePublisher();
    await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({}));
    expect(publisher.records[0].key).toBe(KeyedHasher.text(hasher.msisdn('923001234567')));
    expect(publisher.records[0].key).not.toContain('3001234567');
  });

  it('asks the SMSC to retry with a temporary error when Kafka cannot take the MO', async () => {
    const publisher = new FakePublisher();
    publisher.fail = true;
    const status = await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({}));
    expect(status).toBe(CommandStatus.ESME_RX_T_APPN);
  });

  it('decodes a UCS-2 MO written in Urdu digits', async () => {
    const publisher = new FakePublisher();
    await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('zong', deliverSm({ dataCoding: 8, shortMessage: encodeUcs2('۳۵۲۰۲۱۲۳۴۵۶۷۱') }));
    expect(cnicHashOf(publisher.records[0].value)).toBe(CNIC_HASH);
  });

  it('publishes a concatenated MO once, when its last part arrives', async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300' });
    const long = 'میرا شناختی کارڈ نمبر یہ ہے اور میں اپنے پولنگ اسٹیشن کے بارے میں جاننا چاہتا ہوں 3520212345671 شکریہ';
    const { dataCoding, segments } = segmentForSms(long, { reference: 7 });
    expect(segments.length).toBeGreaterThan(1);
    const statuses = [];
    for (const s of segments)
      statuses.push(await acceptor.accept('telenor', deliverSm({ dataCoding, esmClass: s.esmClass, shortMessage: s.shortMessage, tlvs: s.tlvs })));
    expect(statuses.every((s) => s === CommandStatus.ESME_ROK)).toBe(true);
    expect(publisher.records).toHaveLength(1);
    expect(decodeMo(publisher.records[0].value).textLength).toBe(long.length);
    expect(cnicHashOf(publisher.records[0].value)).toBe(CNIC_HASH);
  });

  it.each(['udh16', 'sar'] as const)('publishes a concatenated MO sent with %s, its parts in any order', async (mode) => {
    const publisher = new FakePublisher();
    const outcomes: string[] = [];
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', onOutcome: (_op, o) => outcomes.push(o) });
    const long = `${'میرا شناختی کارڈ نمبر '.repeat(4)}3520212345671`;
    const { dataCoding, segments } = segmentForSms(long, { reference: 0x0102, mode });
    expect(segments.length).toBeGreaterThan(1);
    for (const s of [...segments].reverse())
      await acceptor.accept('zong', deliverSm({ dataCoding, esmClass: s.esmClass, shortMessage: s.shortMessage, tlvs: s.tlvs }));
    expect(publisher.records).toHaveLength(1);
    expect(decodeMo(publisher.records[0].value).textLength).toBe(long.length);
    expect(cnicHashOf(publisher.records[0].value)).toBe(CNIC_HASH);
    expect(outcomes).toEqual([...segments.slice(1).map(() => 'part_buffered'), 'accepted']);
  });

  it('acknowledges a repeated part and publishes the MO once', async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300' });
    const { dataCoding, segments } = segmentForSms(`${'میرا شناختی کارڈ نمبر '.repeat(4)}3520212345671`, { reference: 3 });
    const send = (i: number) => acceptor.accept('jazz', deliverSm({ dataCoding, esmClass: segments[i].esmClass, shortMessage: segments[i].shortMessage }));
    expect(await send(0)).toBe(CommandStatus.ESME_ROK);
    expect(await send(0)).toBe(CommandStatus.ESME_ROK);
    for (let i = 1; i < segments.length; i++) await send(i);
    expect(publisher.records).toHaveLength(1);
    expect(cnicHashOf(publisher.records[0].value)).toBe(CNIC_HASH);
  });

  it('publishes a binary concatenated MO as an empty request instead of failing', async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300' });
    const udh = (seq: number) => Buffer.from([0x05, 0x00, 0x03, 0x09, 0x02, seq]);
    for (const seq of [1, 2]) {
      expect(
        await acceptor.accept(
          'jazz',
          deliverSm({ dataCoding: 4, esmClass: EsmClass.UDHI_INDICATOR, shortMessage: Buffer.concat([udh(seq), Buffer.from([0xde, seq])]) }),
        ),
      ).toBe(CommandStatus.ESME_ROK);
    }
    expect(publisher.records.map((r) => decodeMo(r.value).request)).toEqual([{ kind: 'invalid', reason: 'empty', lang: 'ur' }]);
  });

  it('hands a delivery receipt to sms.dlr.v1 instead of publishing an MO', async () => {
    const publisher = new FakePublisher();
    const status = await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept(
      'jazz',
      deliverSm({ esmClass: 0x04, shortMessage: Buffer.from('id:1 stat:DELIVRD') }),
    );
    expect(status).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records.map((r) => r.topic)).toEqual([Topics.DLR]);
  });

  it("reads a receipt's id in the format its operator's link declares", async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', messageIdFormats: new Map([['jazz', 'decimal-to-hex' as const]]) });
    await acceptor.accept('jazz', deliverSm({ esmClass: 0x04, shortMessage: Buffer.from('id:1A2B3C stat:DELIVRD') }));
    expect(decodeDlr(publisher.records[0].value).normalisedIds).toEqual([String(0x1a2b3c)]);
  });

  it.each<[string, Partial<DeliverSm>, string[]]>([
    [
      'an intermediate notification (0x20)',
      { esmClass: EsmClass.TYPE_INTERMEDIATE_DELIVERY_NOTIFICATION, shortMessage: Buffer.from('id:5 sub:001 dlvrd:000 stat:ENROUTE') },
      [Topics.DLR],
    ],
    ['an SME delivery acknowledgement (0x08)', { esmClass: EsmClass.TYPE_ESME_DELIVERY_ACK, shortMessage: Buffer.from('') }, []],
    ['an SME user acknowledgement (0x10)', { esmClass: EsmClass.TYPE_ESME_USER_ACK, shortMessage: Buffer.from('ok') }, []],
    [
      'an esm_class 0 receipt with receipt text',
      { shortMessage: Buffer.from('id:0A1B sub:001 dlvrd:001 submit date:2312011012 done date:2312011013 stat:DELIVRD err:000 text:') },
      [Topics.DLR],
    ],
    [
      'an esm_class 0 receipt with only receipted_message_id',
      { shortMessage: Buffer.alloc(0), tlvs: [createTlv(TlvTag.receipted_message_id, '0A1B')] },
      [Topics.DLR],
    ],
    ['an esm_class 0 PDU with only message_state', { shortMessage: Buffer.alloc(0), tlvs: [createTlv(TlvTag.message_state, MessageState.DELIVERED)] }, []],
  ])('never publishes %s as an MO, so it is never answered', async (_name, fields, topics) => {
    const publisher = new FakePublisher();
    const outcomes: string[] = [];
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', onOutcome: (_op, outcome) => outcomes.push(outcome) });
    expect(await acceptor.accept('jazz', deliverSm(fields))).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records.map((r) => r.topic)).toEqual(topics);
    expect(publisher.records.some((r) => r.topic === Topics.MO)).toBe(false);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).not.toBe('accepted');
  });

  it('turns undecodable binary content into an empty request the lookup answers helpfully', async () => {
    const publisher = new FakePublisher();
    await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({ dataCoding: 4, shortMessage: Buffer.from([0xde, 0xad]) }));
    expect(decodeMo(publisher.records[0].value).request).toEqual({ kind: 'invalid', reason: 'empty', lang: 'ur' });
  });

  it('refuses an MO with no source address', async () => {
    const publisher = new FakePublisher();
    expect(await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({ sourceAddr: '' }))).toBe(CommandStatus.ESME_RINVSRCADR);
  });
});

describe('MoAcceptor: what is not an SMS for this service', () => {
  it.each<[string, Partial<DeliverSm>]>([
    ['service_type USSD', { serviceType: 'USSD', shortMessage: Buffer.from('*8300#') }],
    ['a ussd_service_op TLV (PSSR indication)', { shortMessage: Buffer.from('*8300#'), tlvs: [createTlv(TlvTag.ussd_service_op, 1)] }],
  ])('refuses a USSD dialog step (%s) with ESME_RX_R_APPN and never answers it by SMS', async (_name, fields) => {
    const publisher = new FakePublisher();
    const outcomes: string[] = [];
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', onOutcome: (_op, outcome) => outcomes.push(outcome) });
    expect(await acceptor.accept('jazz', deliverSm(fields))).toBe(CommandStatus.ESME_RX_R_APPN);
    expect(publisher.records).toHaveLength(0);
    expect(outcomes).toEqual(['ussd_refused']);
  });

  it('takes a delivery receipt that also says USSD as the receipt it is: sms.dlr.v1, ESME_ROK, never refused nor answered', async () => {
    const publisher = new FakePublisher();
    const outcomes: string[] = [];
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', onOutcome: (_op, outcome) => outcomes.push(outcome) });
    const receipt = deliverSm({
      serviceType: 'USSD',
      esmClass: EsmClass.TYPE_SMSC_DELIVERY_RECEIPT,
      shortMessage: Buffer.from('id:1 stat:DELIVRD'),
      tlvs: [createTlv(TlvTag.ussd_service_op, 1)],
    });
    expect(await acceptor.accept('jazz', receipt)).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records.map((r) => r.topic)).toEqual([Topics.DLR]);
    expect(outcomes).not.toContain('ussd_refused');
  });

  it.each([['8300'], ['928300'], ['+928300'], ['00928300'], ['08300'], ['']])('takes an MO addressed to the short code as %p', async (destinationAddr) => {
    const publisher = new FakePublisher();
    expect(await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({ destinationAddr }))).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records.map((r) => r.topic)).toEqual([Topics.MO]);
    expect(decodeMo(publisher.records[0].value).shortCode).toBe('8300');
  });

  it('takes an MO for any short code its link lists and publishes the one the citizen wrote to, so the reply comes from it', async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', shortCodes: new Map([['jazz', ['8300', '8311']]]) });
    expect(await acceptor.accept('jazz', deliverSm({ destinationAddr: '+928311' }))).toBe(CommandStatus.ESME_ROK);
    expect(await acceptor.accept('jazz', deliverSm({ destinationAddr: '8300', shortMessage: Buffer.from('HELP') }))).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records.map((r) => decodeMo(r.value).shortCode)).toEqual(['8311', '8300']);
  });

  it('refuses an MO for a short code another operator’s link serves but this one does not', async () => {
    const publisher = new FakePublisher();
    const acceptor = new MoAcceptor(publisher, hasher, {
      shortCode: '8300',
      shortCodes: new Map([
        ['jazz', ['8300', '8311']],
        ['zong', ['8300']],
      ]),
    });
    expect(await acceptor.accept('zong', deliverSm({ destinationAddr: '8311' }))).toBe(CommandStatus.ESME_RINVDSTADR);
    expect(publisher.records).toHaveLength(0);
  });

  it('warns once a minute per operator about MOs for another destination, the destination masked when it could be a number', async () => {
    let now = 0;
    const warnings: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (fields: unknown) => void warnings.push(fields) };
    const acceptor = new MoAcceptor(new FakePublisher(), hasher, { shortCode: '8300', logger, now: () => now });
    await acceptor.accept('jazz', deliverSm({ destinationAddr: '923001234567' }));
    await acceptor.accept('jazz', deliverSm({ destinationAddr: '8301' }));
    await acceptor.accept('zong', deliverSm({ destinationAddr: '8301' }));
    now = 60_000;
    await acceptor.accept('jazz', deliverSm({ destinationAddr: '8301' }));
    expect(warnings).toEqual([
      { operator: 'jazz', destination: '92300*****67' },
      { operator: 'zong', destination: '8301' },
      { operator: 'jazz', destination: '8301' },
    ]);
  });

  it.each([['8301'], ['83000'], ['923001234567']])('refuses an MO for another destination (%p) with ESME_RINVDSTADR', async (destinationAddr) => {
    const publisher = new FakePublisher();
    const outcomes: string[] = [];
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', onOutcome: (_op, outcome) => outcomes.push(outcome) });
    expect(await acceptor.accept('jazz', deliverSm({ destinationAddr }))).toBe(CommandStatus.ESME_RINVDSTADR);
    expect(publisher.records).toHaveLength(0);
    expect(outcomes).toEqual(['wrong_destination']);
  });
});

describe('MoAcceptor territorial restriction', () => {
  it.each([
    ['a UK number', '447700900123'],
    ['a Pakistani landline', '924235761234'],
    ['a short code', '8300'],
    ['a number one digit too long', '9230012345678'],
    ['a huge number', '9'.repeat(20)],
  ])('acks %s without publishing it, and counts it', async (_name, sourceAddr) => {
    const publisher = new FakePublisher();
    const outcomes: string[] = [];
    const refused: Array<[string, string]> = [];
    const acceptor = new MoAcceptor(publisher, hasher, {
      shortCode: '8300',
      onOutcome: (_op, outcome) => outcomes.push(outcome),
      onRefused: (op, reason) => refused.push([op, reason]),
    });
    expect(await acceptor.accept('jazz', deliverSm({ sourceAddr }))).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records).toHaveLength(0);
    expect(outcomes).toEqual(['not_pakistani']);
    expect(refused).toEqual([['jazz', 'not_pakistani']]);
  });

  it.each([['+923001234567'], ['00923001234567'], ['03001234567']])('accepts the Pakistani mobile number written as %p', async (sourceAddr) => {
    const publisher = new FakePublisher();
    await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({ sourceAddr }));
    expect(decodeMo(publisher.records[0].value).msisdn).toBe('923001234567');
  });

  it('accepts a TON 2 national number without the trunk zero (3001234567) instead of dropping it', async () => {
    const publisher = new FakePublisher();
    expect(await new MoAcceptor(publisher, hasher, { shortCode: '8300' }).accept('jazz', deliverSm({ sourceAddr: '3001234567', sourceAddrTon: 2 }))).toBe(
      CommandStatus.ESME_ROK,
    );
    expect(decodeMo(publisher.records[0].value).msisdn).toBe('923001234567');
  });
});

/** The store's logic (first / pending / stored) in memory, recording each call and what publish had done by then. */
class FakeSeenStore implements SeenMoStore {
  readonly entries = new Map<string, string>();
  readonly calls: Array<{ op: 'claim' | 'markStored'; fingerprint: string; moId: string; publishedBefore: number }> = [];
  failing = false;
  constructor(private readonly publisher: FakePublisher) {}
  async claim(fingerprint: string, moId: string): Promise<SeenMo> {
    this.calls.push({ op: 'claim', fingerprint, moId, publishedBefore: this.publisher.records.length });
    if (this.failing) throw new Error('Command timed out');
    const previous = this.entries.get(fingerprint);
    if (previous === undefined) {
      this.entries.set(fingerprint, `p:${moId}`);
      return { kind: 'first' };
    }
    return previous.startsWith('s:') ? { kind: 'stored', moId: previous.slice(2) } : { kind: 'pending', moId: previous.slice(2) };
  }
  async markStored(fingerprint: string, moId: string): Promise<void> {
    this.calls.push({ op: 'markStored', fingerprint, moId, publishedBefore: this.publisher.records.length });
    if (this.failing) throw new Error('Connection is closed');
    this.entries.set(fingerprint, `s:${moId}`);
  }
}

describe('MoAcceptor and SMSC re-deliveries', () => {
  function setup() {
    const publisher = new FakePublisher();
    const store = new FakeSeenStore(publisher);
    const outcomes: string[] = [];
    let storeErrors = 0;
    const acceptor = new MoAcceptor(publisher, hasher, {
      shortCode: '8300',
      seen: store,
      onOutcome: (_op, outcome) => outcomes.push(outcome),
      onSeenStoreError: () => storeErrors++,
    });
    return { publisher, store, outcomes, acceptor, storeErrors: () => storeErrors };
  }
  /** markStored is not awaited by accept(); let its promise settle before looking at the store. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('answers a re-delivery of a stored MO with ESME_ROK and does not publish it again', async () => {
    const { publisher, outcomes, acceptor } = setup();
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_ROK);
    await settle();
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records).toHaveLength(1);
    expect(outcomes).toEqual(['accepted', 'duplicate']);
  });

  it('marks the MO stored only after Kafka acknowledged it, under the id that was published', async () => {
    const { publisher, store, acceptor } = setup();
    await acceptor.accept('jazz', deliverSm({}));
    await settle();
    const published = decodeMo(publisher.records[0].value).id;
    expect(store.calls.map((c) => [c.op, c.moId, c.publishedBefore])).toEqual([
      ['claim', published, 0],
      ['markStored', published, 1],
    ]);
    expect([...store.entries.values()]).toEqual([`s:${published}`]);
  });

  it('publishes the retry of a failed publish, under the id the first attempt claimed', async () => {
    const { publisher, store, outcomes, acceptor } = setup();
    publisher.fail = true;
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_RX_T_APPN);
    await settle();
    expect(store.calls.map((c) => c.op)).toEqual(['claim']);
    publisher.fail = false;
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_ROK);
    expect(publisher.records).toHaveLength(1);
    expect(decodeMo(publisher.records[0].value).id).toBe(store.calls[0].moId);
    expect(outcomes).toEqual(['publish_failed', 'redelivered']);
  });

  it('publishes a re-delivery of an MO whose acknowledgement was never recorded again under the same id', async () => {
    // The first process claimed the MO and was killed before Kafka's ack reached it: whether Kafka
    // stored it is unknown, so it is published again, and the repeated id lets egress send one reply.
    const { publisher, store, outcomes, acceptor } = setup();
    const fingerprint = KeyedHasher.text(hasher.moContent('jazz', '923001234567', 0, Buffer.from('3520212345671')));
    store.entries.set(fingerprint, 'p:the-first-attempts-id');
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_ROK);
    expect(decodeMo(publisher.records[0].value).id).toBe('the-first-attempts-id');
    expect(outcomes).toEqual(['redelivered']);
  });

  it('publishes MOs that differ in number, operator, text or data_coding as distinct MOs', async () => {
    const { publisher, outcomes, acceptor } = setup();
    await acceptor.accept('jazz', deliverSm({}));
    await acceptor.accept('jazz', deliverSm({ sourceAddr: '923001234568' }));
    await acceptor.accept('zong', deliverSm({}));
    await acceptor.accept('jazz', deliverSm({ shortMessage: Buffer.from('E 3520212345671') }));
    await acceptor.accept('jazz', deliverSm({ dataCoding: 1 }));
    expect(publisher.records).toHaveLength(5);
    expect(new Set(publisher.records.map((r) => decodeMo(r.value).id)).size).toBe(5);
    expect(outcomes).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'accepted']);
  });

  it('recognises a re-delivered concatenated MO by its whole text', async () => {
    const { publisher, outcomes, acceptor } = setup();
    const { dataCoding, segments } = segmentForSms(`${'میرا شناختی کارڈ نمبر '.repeat(4)}3520212345671`, { reference: 9 });
    expect(segments.length).toBeGreaterThan(1);
    for (let round = 0; round < 2; round++) {
      for (const s of segments) await acceptor.accept('telenor', deliverSm({ dataCoding, esmClass: s.esmClass, shortMessage: s.shortMessage, tlvs: s.tlvs }));
      await settle();
    }
    expect(publisher.records).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'part_buffered')).toEqual(['accepted', 'duplicate']);
  });

  it('keeps neither the number nor the text in the fingerprint', async () => {
    const { store, acceptor } = setup();
    await acceptor.accept('jazz', deliverSm({ shortMessage: Buffer.from('E 3520212345671') }));
    const { fingerprint } = store.calls[0];
    expect(fingerprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fingerprint).not.toMatch(/923001234567|3520212345671/);
  });

  it('publishes as before and counts the error when the store fails (fail open)', async () => {
    const { publisher, store, outcomes, acceptor, storeErrors } = setup();
    store.failing = true;
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_ROK);
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_ROK);
    await settle();
    expect(publisher.records).toHaveLength(2);
    expect(outcomes).toEqual(['accepted', 'accepted']);
    // Each MO: one failed claim and one failed markStored.
    expect(storeErrors()).toBe(4);
  });
});

describe('MoAcceptor and the part store of concatenated MOs', () => {
  const long = `${'میرا شناختی کارڈ نمبر '.repeat(4)}3520212345671`;
  const { dataCoding, segments } = segmentForSms(long, { reference: 0x21 });
  const part = (i: number) => deliverSm({ dataCoding, esmClass: segments[i].esmClass, shortMessage: segments[i].shortMessage });

  /** A store whose answers the test scripts: each `add` waits for the test to settle it. */
  class ScriptedPartStore implements MoPartStore {
    parts: MoPart[] = [];
    pending: Array<{ resolve: (o: MoPartOutcome) => void; reject: (err: Error) => void }> = [];
    add(p: MoPart): Promise<MoPartOutcome> {
      this.parts.push(p);
      return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
    }
    async sweep() {
      return 0;
    }
  }

  function setup() {
    const publisher = new FakePublisher();
    const store = new ScriptedPartStore();
    const outcomes: string[] = [];
    let storeErrors = 0;
    const acceptor = new MoAcceptor(publisher, hasher, {
      shortCode: '8300',
      parts: store,
      onOutcome: (_op, o) => outcomes.push(o),
      onPartStoreError: () => storeErrors++,
    });
    return { publisher, store, outcomes, acceptor, storeErrors: () => storeErrors };
  }

  it('acknowledges a part only once the store has recorded it', async () => {
    const { store, acceptor } = setup();
    let status: number | undefined;
    const answered = acceptor.accept('jazz', part(0)).then((s) => (status = s));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.parts).toHaveLength(1);
    expect(status).toBeUndefined();
    store.pending[0].resolve({ status: 'buffered' });
    await answered;
    expect(status).toBe(CommandStatus.ESME_ROK);
  });

  it('refuses a part the store cannot record with ESME_RX_T_APPN, so the SMSC delivers it again, and counts it', async () => {
    const { store, acceptor, outcomes, storeErrors, publisher } = setup();
    const answered = acceptor.accept('jazz', part(0));
    await new Promise((resolve) => setImmediate(resolve));
    store.pending[0].reject(new Error('Connection is closed.'));
    expect(await answered).toBe(CommandStatus.ESME_RX_T_APPN);
    expect(outcomes).toEqual(['part_store_failed']);
    expect(storeErrors()).toBe(1);
    expect(publisher.records).toHaveLength(0);
  });

  it('hands the store the sender as a keyed hash, the reference, and the part’s user data without its header', async () => {
    const { store, acceptor } = setup();
    void acceptor.accept('jazz', part(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.parts[0]).toEqual({
      operator: 'jazz',
      sender: KeyedHasher.text(hasher.msisdn('923001234567')),
      scheme: 'udh8',
      ref: 0x21,
      total: segments.length,
      seq: 2,
      dataCoding,
      payload: segments[1].shortMessage.subarray(6),
    });
  });

  it('publishes the MO the store completes, then releases its parts; a failed publish keeps them for the SMSC’s re-delivery', async () => {
    const { store, acceptor, publisher } = setup();
    let released = 0;
    const complete: MoPartOutcome = {
      status: 'complete',
      dataCoding,
      bytes: Buffer.concat(segments.map((s) => s.shortMessage.subarray(6))),
      release: async () => void released++,
    };
    publisher.fail = true;
    const first = acceptor.accept('jazz', part(segments.length - 1));
    await new Promise((resolve) => setImmediate(resolve));
    store.pending[0].resolve(complete);
    expect(await first).toBe(CommandStatus.ESME_RX_T_APPN);
    expect(released).toBe(0);

    publisher.fail = false;
    const again = acceptor.accept('jazz', part(segments.length - 1));
    await new Promise((resolve) => setImmediate(resolve));
    store.pending[1].resolve(complete);
    expect(await again).toBe(CommandStatus.ESME_ROK);
    expect(released).toBe(1);
    expect(publisher.records).toHaveLength(1);
    expect(decodeMo(publisher.records[0].value).textLength).toBe(long.length);
    expect(cnicHashOf(publisher.records[0].value)).toBe(CNIC_HASH);
  });

  it('releases the parts of a long MO the re-delivery check knows as stored, publishing nothing', async () => {
    const publisher = new FakePublisher();
    const store = new ScriptedPartStore();
    const seen: SeenMoStore = { claim: async () => ({ kind: 'stored', moId: 'first' }), markStored: async () => undefined };
    const acceptor = new MoAcceptor(publisher, hasher, { shortCode: '8300', parts: store, seen });
    let released = 0;
    const answered = acceptor.accept('jazz', part(segments.length - 1));
    await new Promise((resolve) => setImmediate(resolve));
    store.pending[0].resolve({ status: 'complete', dataCoding, bytes: Buffer.from('x'), release: async () => void released++ });
    expect(await answered).toBe(CommandStatus.ESME_ROK);
    expect(released).toBe(1);
    expect(publisher.records).toHaveLength(0);
  });

  it('acknowledges the last part of a message the store had to give up, publishing nothing', async () => {
    const { store, acceptor, outcomes, publisher } = setup();
    const answered = acceptor.accept('jazz', part(0));
    await new Promise((resolve) => setImmediate(resolve));
    store.pending[0].resolve({ status: 'dropped' });
    expect(await answered).toBe(CommandStatus.ESME_ROK);
    expect(outcomes).toEqual(['part_unreadable']);
    expect(publisher.records).toHaveLength(0);
  });

  it('never asks the store about a single-part MO', async () => {
    const { store, acceptor, publisher } = setup();
    expect(await acceptor.accept('jazz', deliverSm({}))).toBe(CommandStatus.ESME_ROK);
    expect(store.parts).toHaveLength(0);
    expect(publisher.records).toHaveLength(1);
  });
});
