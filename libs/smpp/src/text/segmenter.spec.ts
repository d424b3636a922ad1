import { DataCoding, decodeShortMessage } from './data-coding';
import { decodeGsm7 } from './gsm7';
import { TlvTag } from '../codec/tlv-tag';
import { segmentForSms, SmsSegment } from './segmenter';
import { parseUdh } from './udh';
import { decodeUcs2 } from './ucs2';

// 200 characters of Urdu in the shape of a real reply.
const URDU_200 = (() => {
  const line = 'آپ کا ووٹ قومی اسمبلی کے حلقہ این اے ایک سو بیس میں درج ہے، سلسلہ نمبر اور گھرانہ نمبر یاد رکھیں۔ ';
  let text = '';
  while (text.length < 200) text += line;
  return text.slice(0, 200);
})();

function payloadOf(segment: SmsSegment): Buffer {
  const parsed = parseUdh(segment.shortMessage);
  if (!parsed) throw new Error('segment has no UDH');
  return parsed.payload;
}

describe('segmentForSms', () => {
  it('sends a short ASCII reply as one GSM 7-bit segment without a header', () => {
    const { dataCoding, segments } = segmentForSms('Send your 13 digit CNIC to 8300', { reference: 1 });
    expect(dataCoding).toBe(DataCoding.DEFAULT);
    expect(segments).toHaveLength(1);
    expect(segments[0].esmClass).toBe(0);
    expect(segments[0].tlvs).toEqual([]);
    expect(decodeGsm7(segments[0].shortMessage)).toBe('Send your 13 digit CNIC to 8300');
  });

  it('fits exactly 160 septets in one part and splits 161 into 153 + 8', () => {
    expect(segmentForSms('a'.repeat(160), { reference: 1 }).segments).toHaveLength(1);
    const { segments } = segmentForSms('a'.repeat(161), { reference: 1 });
    expect(segments.map((s) => payloadOf(s).length)).toEqual([153, 8]);
    expect(segments.every((s) => s.esmClass === 0x40)).toBe(true);
  });

  it('counts GSM extension characters as two septets when deciding on parts', () => {
    expect(segmentForSms('€'.repeat(80), { reference: 1 }).segments).toHaveLength(1);
    expect(segmentForSms('€'.repeat(81), { reference: 1 }).segments).toHaveLength(2);
  });

  it('never splits a GSM escape sequence across parts', () => {
    const text = 'a'.repeat(152) + '€' + 'b'.repeat(10);
    const { segments } = segmentForSms(text, { reference: 9 });
    const first = payloadOf(segments[0]);
    expect(first.length).toBe(152);
    expect(first[first.length - 1]).not.toBe(0x1b);
    expect(decodeGsm7(payloadOf(segments[1]))).toBe('€' + 'b'.repeat(10));
    expect(segments.map((s) => decodeGsm7(payloadOf(s))).join('')).toBe(text);
  });

  it('switches to UCS-2 for Urdu and keeps 70 characters in one part', () => {
    const { dataCoding, segments } = segmentForSms('آپ کا ووٹ', { reference: 1 });
    expect(dataCoding).toBe(DataCoding.UCS2);
    expect(decodeUcs2(segments[0].shortMessage)).toBe('آپ کا ووٹ');
    expect(segmentForSms('ب'.repeat(70), { reference: 1 }).segments).toHaveLength(1);
    expect(segmentForSms('ب'.repeat(71), { reference: 1 }).segments).toHaveLength(2);
  });

  it('splits a 200-character Urdu reply into 3 UCS-2 parts of at most 67 characters', () => {
    expect(URDU_200).toHaveLength(200);
    const { dataCoding, segments } = segmentForSms(URDU_200, { reference: 0x1a7 });
    expect(dataCoding).toBe(DataCoding.UCS2);
    expect(segments).toHaveLength(3);
    const texts = segments.map((s) => decodeUcs2(payloadOf(s)));
    expect(texts.every((t) => t.length <= 67)).toBe(true);
    expect(texts.join('')).toBe(URDU_200);
    segments.forEach((s, i) => {
      expect(parseUdh(s.shortMessage)?.udh.concat).toEqual({ ref: 0xa7, total: 3, seq: i + 1, refBits: 8 });
      expect(s.shortMessage.length).toBeLessThanOrEqual(140);
    });
  });

  it('never splits an emoji surrogate pair across parts', () => {
    const text = 'ب'.repeat(66) + '😀' + 'ب'.repeat(10);
    const { segments } = segmentForSms(text, { reference: 3 });
    const first = decodeUcs2(payloadOf(segments[0]));
    expect(first).toBe('ب'.repeat(66));
    expect(decodeUcs2(payloadOf(segments[1]))).toBe('😀' + 'ب'.repeat(10));
    for (const s of segments) {
      const p = payloadOf(s);
      const lastUnit = p.readUInt16BE(p.length - 2);
      expect(lastUnit >= 0xd800 && lastUnit <= 0xdbff).toBe(false);
    }
  });

  it('counts a lone surrogate as one unit of its own, not as half of a pair with the next character', () => {
    // 66 letters, a lone high surrogate, then letters: the part ends right after the surrogate.
    const text = 'ب'.repeat(66) + '\ud83d' + 'ب'.repeat(10);
    const { segments } = segmentForSms(text, { reference: 3 });
    expect(segments.map((s) => payloadOf(s).length / 2)).toEqual([67, 10]);
  });

  it('cuts a long mixed text exactly where a character-by-character count says, in every mode', () => {
    const texts = ['a{b}c€'.repeat(60), ('ب😀ج' + 'x'.repeat(5)).repeat(30), URDU_200 + 'E [' + URDU_200];
    for (const text of texts) {
      for (const mode of ['udh8', 'udh16', 'sar'] as const) {
        const { dataCoding, segments } = segmentForSms(text, { reference: 9, mode });
        const decoded = segments.map((s) => {
          const payload = mode === 'sar' ? s.shortMessage : payloadOf(s);
          return dataCoding === DataCoding.UCS2 ? decodeUcs2(payload) : decodeGsm7(payload);
        });
        // Nothing lost, nothing doubled, and no part could have taken the next character too.
        expect(decoded.join('')).toBe(text);
        const capacity = dataCoding === DataCoding.UCS2 ? (mode === 'udh8' ? 67 : 66) : mode === 'udh8' ? 153 : 152;
        const cost = (t: string) => (dataCoding === DataCoding.UCS2 ? t.length : [...t].reduce((n, ch) => n + ('{}€[]'.includes(ch) ? 2 : 1), 0));
        for (let i = 0; i + 1 < decoded.length; i++) {
          expect(cost(decoded[i])).toBeLessThanOrEqual(capacity);
          expect(cost(decoded[i]) + cost([...decoded[i + 1]][0])).toBeGreaterThan(capacity);
        }
      }
    }
  });

  it('uses a 7-octet header and 66/152 capacity with a 16-bit reference', () => {
    const urdu = segmentForSms('ب'.repeat(133), { reference: 0xbeef, mode: 'udh16' });
    expect(urdu.segments.map((s) => decodeUcs2(payloadOf(s)).length)).toEqual([66, 66, 1]);
    expect(urdu.segments[0].shortMessage.subarray(0, 7).toString('hex')).toBe('060804beef0301');
    const gsm = segmentForSms('x'.repeat(305), { reference: 0x10002, mode: 'udh16' });
    expect(gsm.segments.map((s) => payloadOf(s).length)).toEqual([152, 152, 1]);
    expect(parseUdh(gsm.segments[0].shortMessage)?.udh.concat?.ref).toBe(2);
  });

  it('carries SAR TLVs and no header in sar mode', () => {
    const { segments } = segmentForSms('ب'.repeat(100), { reference: 0x0102, mode: 'sar' });
    expect(segments).toHaveLength(2);
    segments.forEach((s, i) => {
      expect(s.esmClass).toBe(0);
      expect(s.tlvs).toEqual([
        { tag: TlvTag.sar_msg_ref_num, value: Buffer.from([0x01, 0x02]) },
        { tag: TlvTag.sar_total_segments, value: Buffer.from([2]) },
        { tag: TlvTag.sar_segment_seqnum, value: Buffer.from([i + 1]) },
      ]);
    });
    expect(segments.map((s) => decodeUcs2(s.shortMessage)).join('')).toBe('ب'.repeat(100));
  });

  it('sizes SAR parts for the 16-bit header the SMSC builds from sar_msg_ref_num: 152 GSM-7 or 66 UCS-2 characters', () => {
    const gsm = segmentForSms('x'.repeat(305), { reference: 0x0102, mode: 'sar' });
    expect(gsm.segments.map((s) => s.shortMessage.length)).toEqual([152, 152, 1]);
    const urdu = segmentForSms('ب'.repeat(133), { reference: 0x0102, mode: 'sar' });
    expect(urdu.segments.map((s) => decodeUcs2(s.shortMessage).length)).toEqual([66, 66, 1]);
    // With its 7-octet header each part still fits the 140 octets of one SMS.
    expect(urdu.segments.every((s) => 7 + s.shortMessage.length <= 140)).toBe(true);
  });

  it('puts a long text in one message_payload TLV with an empty short_message in payload mode', () => {
    const { dataCoding, segments } = segmentForSms(URDU_200, { reference: 1, mode: 'payload' });
    expect(segments).toHaveLength(1);
    expect(segments[0].shortMessage.length).toBe(0);
    expect(segments[0].tlvs).toHaveLength(1);
    expect(segments[0].tlvs[0].tag).toBe(TlvTag.message_payload);
    expect(decodeShortMessage(dataCoding, segments[0].tlvs[0].value)).toBe(URDU_200);
  });

  describe('with gsm7LookAlikes', () => {
    // An English reply longer than one SMS whose station name, as the roll spells it, has a typographic apostrophe.
    const REPLY =
      'Block code: 123456789\nSerial no: 412\nFamily no: 87\nGulberg, Lahore City, Lahore\nNA-120 PP-150\n' +
      'Polling station 37: Govt. Girls\u2019 Higher Secondary School No. 2 \u2013 Gulberg III (Female)';

    it('sends an English reply with a typographic apostrophe in a roll name as 2 GSM 7-bit parts, not 3 UCS-2 ones', () => {
      expect(REPLY.length).toBeGreaterThan(160);
      expect(segmentForSms(REPLY, { reference: 1 })).toMatchObject({ dataCoding: DataCoding.UCS2, segments: { length: 3 } });
      const { dataCoding, segments } = segmentForSms(REPLY, { reference: 1, gsm7LookAlikes: true });
      expect(dataCoding).toBe(DataCoding.DEFAULT);
      expect(segments).toHaveLength(2);
      expect(segments.map((s) => decodeGsm7(payloadOf(s))).join('')).toBe(REPLY.replace('\u2019', "'").replace('\u2013', '-'));
    });

    it('sends a short one as one GSM 7-bit part', () => {
      const { dataCoding, segments } = segmentForSms('Polling station 7: Govt. Boys\u2019 School\u00a0No.\u00a01', { reference: 1, gsm7LookAlikes: true });
      expect(dataCoding).toBe(DataCoding.DEFAULT);
      expect(segments).toHaveLength(1);
      expect(decodeGsm7(segments[0].shortMessage)).toBe("Polling station 7: Govt. Boys' School No. 1");
    });

    it('sends an Urdu reply as UCS-2 exactly as written, its look-alikes included', () => {
      const urdu = `${URDU_200.slice(0, 120)} \u2013 \u201cNA-120\u201d\u00a0${URDU_200.slice(120, 180)}`;
      const { dataCoding, segments } = segmentForSms(urdu, { reference: 1, gsm7LookAlikes: true });
      expect(dataCoding).toBe(DataCoding.UCS2);
      expect(segments.map((s) => decodeUcs2(payloadOf(s))).join('')).toBe(urdu);
    });

    it('leaves a text as UCS-2 when it is forced', () => {
      expect(segmentForSms('Girls\u2019 School', { reference: 1, gsm7LookAlikes: true, forceUcs2: true }).dataCoding).toBe(DataCoding.UCS2);
    });
  });

  it('sends GSM-compatible text as UCS-2 when forced', () => {
    const { dataCoding, segments } = segmentForSms('HELP', { reference: 1, forceUcs2: true });
    expect(dataCoding).toBe(DataCoding.UCS2);
    expect(segments[0].shortMessage.toString('hex')).toBe('00480045004c0050');
  });

  it('refuses a text that needs more than 255 parts', () => {
    expect(() => segmentForSms('x'.repeat(153 * 255 + 1), { reference: 1 })).toThrow(/at most 255/);
  });

  it('sends an empty text as one empty segment', () => {
    const { segments } = segmentForSms('', { reference: 1 });
    expect(segments).toHaveLength(1);
    expect(segments[0].shortMessage.length).toBe(0);
  });
});

describe('segmentForSms for an SMSC that reads data_coding 0 as Latin-1', () => {
  const latin1 = { reference: 1, defaultAlphabet: 'latin1' } as const;

  it('writes a GSM text as Latin-1 octets under data_coding 0, where GSM septets would differ', () => {
    const text = 'Email help@ecp.gov.pk, fee $0, Zoé_';
    const { dataCoding, segments } = segmentForSms(text, latin1);
    expect(dataCoding).toBe(DataCoding.DEFAULT);
    expect(segments[0].shortMessage).toEqual(Buffer.from(text, 'latin1'));
    // '@' is septet 0x00 and '_' 0x11 in GSM: the septets would read as other characters here.
    expect(segmentForSms(text, { reference: 1 }).segments[0].shortMessage).not.toEqual(Buffer.from(text, 'latin1'));
  });

  it('writes GSM extension characters as their one Latin-1 octet', () => {
    expect(segmentForSms('[x]', latin1).segments[0].shortMessage.toString('hex')).toBe('5b785d');
  });

  it('sends as UCS-2 a GSM text with a character Latin-1 lacks, since the SMSC could not read it', () => {
    for (const text of ['Fee €5', 'Ω']) {
      const { dataCoding, segments } = segmentForSms(text, latin1);
      expect(dataCoding).toBe(DataCoding.UCS2);
      expect(decodeUcs2(segments[0].shortMessage)).toBe(text);
    }
  });

  it('sends as UCS-2 a Latin-1 text with a character GSM lacks, since the handset could not show it', () => {
    expect(segmentForSms('Café Olé á', latin1).dataCoding).toBe(DataCoding.UCS2);
  });

  it('cuts parts by the septets they take on the air, an extension character counting two', () => {
    expect(segmentForSms('{'.repeat(80), latin1).segments).toHaveLength(1);
    const { segments } = segmentForSms('a'.repeat(152) + '{' + 'b'.repeat(10), latin1);
    expect(segments.map((s) => payloadOf(s).toString('latin1'))).toEqual(['a'.repeat(152), '{' + 'b'.repeat(10)]);
  });

  it('puts Latin-1 octets in message_payload and SAR parts too', () => {
    const text = 'x@'.repeat(100);
    expect(segmentForSms(text, { ...latin1, mode: 'payload' }).segments[0].tlvs[0].value).toEqual(Buffer.from(text, 'latin1'));
    const sar = segmentForSms(text, { ...latin1, mode: 'sar' }).segments;
    expect(Buffer.concat(sar.map((s) => s.shortMessage))).toEqual(Buffer.from(text, 'latin1'));
  });
});
