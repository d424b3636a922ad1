import { TlvTag } from '../codec/tlv-tag';
import { ConcatReader, decodeText, userDataOf, type ConcatDrop, type ConcatReadResult, type SmsUserDataFields } from './concat-reader';
import { DataCoding } from './data-coding';
import { segmentForSms, type SegmentationMode } from './segmenter';
import { buildConcatUdh, ESM_CLASS_UDHI } from './udh';
import { encodeUcs2 } from './ucs2';

class FakeClock {
  t = 1_000;
  now(): number {
    return this.t;
  }
}

const URDU = 'آپ کا ووٹ قومی اسمبلی کے حلقہ این اے ایک سو بیس میں درج ہے۔ '.repeat(3);
const GSM = 'Your polling station is Government Boys Primary School No 1, Lahore. Bring your original CNIC. '.repeat(2);

function bodies(text: string, mode: SegmentationMode, reference = 0x0123): SmsUserDataFields[] {
  const { dataCoding, segments } = segmentForSms(text, { reference, mode });
  return segments.map((s) => ({ esmClass: s.esmClass, dataCoding, shortMessage: s.shortMessage, tlvs: s.tlvs }));
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function sarPart(ref: number, total: number, seq: number, text: string): SmsUserDataFields {
  return {
    esmClass: 0,
    dataCoding: DataCoding.UCS2,
    shortMessage: encodeUcs2(text),
    tlvs: [
      { tag: TlvTag.sar_msg_ref_num, value: u16(ref) },
      { tag: TlvTag.sar_total_segments, value: Buffer.from([total]) },
      { tag: TlvTag.sar_segment_seqnum, value: Buffer.from([seq]) },
    ],
  };
}

function udhPart(ref: number, total: number, seq: number, text: string, refBits: 8 | 16 = 8): SmsUserDataFields {
  return {
    esmClass: ESM_CLASS_UDHI,
    dataCoding: DataCoding.UCS2,
    shortMessage: Buffer.concat([buildConcatUdh(ref, total, seq, refBits), encodeUcs2(text)]),
    tlvs: [],
  };
}

function textOf<T>(result: ConcatReadResult<T>): string | null {
  return result.status === 'complete' ? result.message.text : null;
}

describe('ConcatReader', () => {
  it.each([
    ['udh8', 'udh8', 0x23],
    ['udh16', 'udh16', 0x0123],
    ['sar', 'sar', 0x0123],
  ] as const)('joins a UCS-2 message sent with %s, in order and in reverse', (mode, scheme, ref) => {
    const parts = bodies(URDU, mode);
    expect(parts.length).toBeGreaterThan(2);
    for (const order of [parts, [...parts].reverse()]) {
      const reader = new ConcatReader<number>();
      const results = order.map((b) => reader.read('jazz:1', b, parts.indexOf(b) + 1));
      expect(results.slice(0, -1).map((r) => r.status)).toEqual(parts.slice(1).map(() => 'buffered'));
      const last = results[results.length - 1];
      if (last.status !== 'complete') throw new Error('not complete');
      expect(last.message).toMatchObject({
        text: URDU,
        parts: parts.length,
        dataCoding: DataCoding.UCS2,
        concat: { scheme, ref, total: parts.length },
        messagePayload: false,
        malformedUdh: false,
      });
      expect(last.message.error).toBeUndefined();
      // Identified by its text, not by how it was split.
      expect(last.message.bytes).toEqual(Buffer.from(URDU, 'utf8'));
      expect(last.message.tags).toEqual(parts.map((_, i) => i + 1));
      expect(reader.pendingCount).toBe(0);
    }
  });

  it('joins a GSM message with a 16-bit reference', () => {
    const reader = new ConcatReader();
    const results = bodies(GSM, 'udh16', 0xbeef).map((b) => reader.read('zong:2', b));
    expect(textOf(results[results.length - 1])).toBe(GSM);
  });

  it('reads a text carried whole in message_payload', () => {
    const [body] = bodies(URDU, 'payload');
    expect(body.shortMessage).toHaveLength(0);
    const result = new ConcatReader<string>().read('jazz:1', body, 'id');
    expect(result).toEqual({
      status: 'complete',
      message: expect.objectContaining({ text: URDU, parts: 1, messagePayload: true, tags: ['id'], bytes: encodeUcs2(URDU) }),
    });
    if (result.status === 'complete') expect(result.message.concat).toBeUndefined();
  });

  it('reads a single message, identified by its user data as delivered', () => {
    const clock = new FakeClock();
    const result = new ConcatReader({ clock }).read('jazz:1', { esmClass: 0, dataCoding: 0, shortMessage: Buffer.from('3520212345671'), tlvs: [] });
    expect(result).toEqual({
      status: 'complete',
      message: {
        sourceKey: 'jazz:1',
        text: '3520212345671',
        bytes: Buffer.from('3520212345671'),
        dataCoding: 0,
        parts: 1,
        messagePayload: false,
        malformedUdh: false,
        tags: [undefined],
        firstPartAt: 1_000,
        completedAt: 1_000,
      },
    });
  });

  it('strips a UDH without a concatenation IE and keeps it in the identifying bytes', () => {
    const port = Buffer.from([0x06, 0x05, 0x04, 0x0b, 0x84, 0x23, 0xf0]);
    const shortMessage = Buffer.concat([port, Buffer.from('HELP')]);
    const result = new ConcatReader().read('k', { esmClass: ESM_CLASS_UDHI, dataCoding: 0, shortMessage, tlvs: [] });
    expect(result).toMatchObject({ status: 'complete', message: { text: 'HELP', bytes: shortMessage, parts: 1 } });
  });

  it('ignores a repeated part and keeps the first copy', () => {
    const reader = new ConcatReader<string>();
    expect(reader.read('k', sarPart(9, 3, 1, 'a'), 'first').status).toBe('buffered');
    expect(reader.read('k', sarPart(9, 3, 1, 'X'), 'again')).toEqual({ status: 'duplicate', part: { scheme: 'sar', ref: 9, total: 3, seq: 1 } });
    expect(reader.read('k', sarPart(9, 3, 3, 'c'), 'third')).toEqual({ status: 'buffered', part: { scheme: 'sar', ref: 9, total: 3, seq: 3 }, received: 2 });
    const done = reader.read('k', sarPart(9, 3, 2, 'b'), 'second');
    expect(done).toMatchObject({ status: 'complete', message: { text: 'abc', tags: ['first', 'second', 'third'] } });
  });

  it('starts over when a part announces another total for the same reference, and reports the drop', () => {
    const drops: ConcatDrop[] = [];
    const clock = new FakeClock();
    const reader = new ConcatReader({ clock, onDropped: (d) => drops.push(d) });
    reader.read('k', udhPart(5, 3, 1, 'old '), undefined);
    clock.t += 10;
    expect(reader.read('k', udhPart(5, 2, 2, 'world')).status).toBe('buffered');
    expect(drops).toEqual([{ sourceKey: 'k', scheme: 'udh8', ref: 5, total: 3, received: 1, firstPartAt: 1_000, reason: 'total_changed' }]);
    expect(textOf(reader.read('k', udhPart(5, 2, 1, 'hello ')))).toBe('hello world');
  });

  it('keeps sources, schemes and references apart', () => {
    const reader = new ConcatReader();
    reader.read('a', udhPart(5, 2, 1, 'A1'));
    reader.read('b', udhPart(5, 2, 1, 'B1'));
    reader.read('a', udhPart(5, 2, 1, 'W1', 16));
    reader.read('a', sarPart(5, 2, 1, 'S1'));
    reader.read('a', udhPart(6, 2, 1, 'R1'));
    expect(reader.pendingCount).toBe(5);
    expect(textOf(reader.read('a', sarPart(5, 2, 2, 'S2')))).toBe('S1S2');
    expect(textOf(reader.read('a', udhPart(5, 2, 2, 'W2', 16)))).toBe('W1W2');
    expect(textOf(reader.read('a', udhPart(5, 2, 2, 'A2')))).toBe('A1A2');
    expect(textOf(reader.read('b', udhPart(5, 2, 2, 'B2')))).toBe('B1B2');
  });

  it('drops an incomplete message after the timeout, on the next read or on sweep', () => {
    const clock = new FakeClock();
    const drops: ConcatDrop[] = [];
    const reader = new ConcatReader({ timeoutMs: 5_000, clock, onDropped: (d) => drops.push(d) });
    reader.read('jazz\u0000923001234567', udhPart(1, 2, 1, 'x'));
    clock.t += 5_000;
    expect(reader.read('other', { esmClass: 0, dataCoding: 0, shortMessage: Buffer.from('hi'), tlvs: [] }).status).toBe('complete');
    expect(drops).toEqual([{ sourceKey: 'jazz\u0000923001234567', scheme: 'udh8', ref: 1, total: 2, received: 1, firstPartAt: 1_000, reason: 'timeout' }]);
    expect(reader.pendingCount).toBe(0);
    // The late part starts a new message rather than completing the dropped one.
    expect(reader.read('jazz\u0000923001234567', udhPart(1, 2, 2, 'y')).status).toBe('buffered');
    clock.t += 4_999;
    expect(reader.sweep()).toBe(0);
    clock.t += 1;
    expect(reader.sweep()).toBe(1);
    expect(drops.map((d) => d.reason)).toEqual(['timeout', 'timeout']);
  });

  it('holds at most maxPending incomplete messages, dropping the oldest', () => {
    const clock = new FakeClock();
    const drops: ConcatDrop[] = [];
    const reader = new ConcatReader({ maxPending: 2, clock, onDropped: (d) => drops.push(d) });
    reader.read('k', udhPart(1, 2, 1, 'a1'));
    clock.t++;
    reader.read('k', udhPart(2, 2, 1, 'b1'));
    clock.t++;
    reader.read('k', udhPart(3, 2, 1, 'c1'));
    expect(reader.pendingCount).toBe(2);
    expect(drops).toEqual([{ sourceKey: 'k', scheme: 'udh8', ref: 1, total: 2, received: 1, firstPartAt: 1_000, reason: 'pending_cap' }]);
    expect(textOf(reader.read('k', udhPart(2, 2, 2, 'b2')))).toBe('b1b2');
    expect(reader.read('k', udhPart(1, 2, 2, 'a2')).status).toBe('buffered');
  });

  it('reads a part with concatenation values out of range as a single message', () => {
    const reader = new ConcatReader();
    expect(textOf(reader.read('k', sarPart(1, 2, 3, 'lone')))).toBe('lone');
    expect(textOf(reader.read('k', sarPart(1, 0, 0, 'zero')))).toBe('zero');
    const udhSeq0 = Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x01, 0x02, 0x00]), encodeUcs2('udh')]);
    expect(textOf(reader.read('k', { esmClass: ESM_CLASS_UDHI, dataCoding: DataCoding.UCS2, shortMessage: udhSeq0, tlvs: [] }))).toBe('udh');
    expect(reader.pendingCount).toBe(0);
  });

  it('reads SAR values of any integer width, and takes the UDH over SAR TLVs', () => {
    const reader = new ConcatReader();
    const wide = sarPart(0, 0, 0, 'w1');
    wide.tlvs = [
      { tag: TlvTag.sar_msg_ref_num, value: Buffer.from([7]) },
      { tag: TlvTag.sar_total_segments, value: u16(2) },
      { tag: TlvTag.sar_segment_seqnum, value: u16(1) },
    ];
    expect(reader.read('k', wide).status).toBe('buffered');
    expect(textOf(reader.read('k', sarPart(7, 2, 2, 'w2')))).toBe('w1w2');
    const both = { ...udhPart(3, 2, 1, 'u1'), tlvs: sarPart(9, 5, 1, '').tlvs };
    expect(reader.read('k', both)).toMatchObject({ status: 'buffered', part: { scheme: 'udh8', ref: 3, total: 2, seq: 1 } });
  });

  it('reads a malformed UDH as plain text, flagged', () => {
    const result = new ConcatReader().read('k', { esmClass: ESM_CLASS_UDHI, dataCoding: 0, shortMessage: Buffer.from('3520212345671'), tlvs: [] });
    expect(result).toMatchObject({ status: 'complete', message: { text: '3520212345671', malformedUdh: true, bytes: Buffer.from('3520212345671') } });
  });

  it('never throws on undecodable text: single or joined, it completes with the error', () => {
    const reader = new ConcatReader();
    expect(reader.read('k', { esmClass: 0, dataCoding: DataCoding.OCTET, shortMessage: Buffer.from([1, 2]), tlvs: [] })).toMatchObject({
      status: 'complete',
      message: { text: '', error: 'BINARY_DATA_CODING', bytes: Buffer.from([1, 2]) },
    });
    const binary = (seq: number, byte: number): SmsUserDataFields => ({
      ...udhPart(4, 2, seq, ''),
      dataCoding: DataCoding.OCTET,
      shortMessage: Buffer.concat([buildConcatUdh(4, 2, seq), Buffer.from([byte])]),
    });
    reader.read('k', binary(1, 0xaa));
    expect(reader.read('k', binary(2, 0xbb))).toMatchObject({
      status: 'complete',
      message: { text: '', error: 'BINARY_DATA_CODING', bytes: Buffer.from([0xaa, 0xbb]), parts: 2 },
    });
  });
});

describe('userDataOf', () => {
  it('takes message_payload over short_message unless the TLV is empty', () => {
    const payload = Buffer.from('whole text');
    const tlvs = [{ tag: TlvTag.message_payload, value: payload }];
    expect(userDataOf({ esmClass: 0, dataCoding: 0, shortMessage: Buffer.alloc(0), tlvs })).toMatchObject({ raw: payload, messagePayload: true });
    expect(userDataOf({ esmClass: 0, dataCoding: 0, shortMessage: Buffer.from('whole'), tlvs })).toMatchObject({ raw: payload, messagePayload: true });
    const emptyTlv = [{ tag: TlvTag.message_payload, value: Buffer.alloc(0) }];
    expect(userDataOf({ esmClass: 0, dataCoding: 0, shortMessage: Buffer.from('short'), tlvs: emptyTlv })).toMatchObject({
      raw: Buffer.from('short'),
      messagePayload: false,
    });
  });

  it('reads a concatenation IE out of a UDH carried in message_payload', () => {
    const value = Buffer.concat([buildConcatUdh(1, 2, 2), Buffer.from('two')]);
    expect(
      userDataOf({ esmClass: ESM_CLASS_UDHI, dataCoding: 0, shortMessage: Buffer.alloc(0), tlvs: [{ tag: TlvTag.message_payload, value }] }),
    ).toMatchObject({
      payload: Buffer.from('two'),
      concat: { scheme: 'udh8', ref: 1, total: 2, seq: 2 },
    });
  });
});

describe('decodeText', () => {
  it('decodes, or gives empty text and the error code', () => {
    expect(decodeText(DataCoding.UCS2, encodeUcs2('ووٹ'))).toEqual({ text: 'ووٹ' });
    expect(decodeText(0x05, Buffer.from('x'))).toEqual({ text: '', error: 'UNSUPPORTED_DATA_CODING' });
  });
});
