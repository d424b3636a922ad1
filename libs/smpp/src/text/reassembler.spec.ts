import { ConcatReassembler, DroppedConcat, ExpiredConcat } from './reassembler';
import { DataCoding } from './data-coding';
import { encodeGsm7, packGsm7 } from './gsm7';
import { segmentForSms } from './segmenter';
import { parseUdh } from './udh';
import { encodeUcs2 } from './ucs2';

class FakeClock {
  t = 1_000;
  now(): number {
    return this.t;
  }
}

function part(seq: number, payload: Buffer, over: Partial<{ sourceKey: string; ref: number; total: number; dataCoding: number }> = {}) {
  return { sourceKey: 'jazz:923001234567', ref: 5, total: 2, seq, dataCoding: DataCoding.UCS2, payload, ...over };
}

describe('ConcatReassembler', () => {
  it('returns the whole text when the last part arrives, in any order', () => {
    const r = new ConcatReassembler();
    expect(r.add(part(2, encodeUcs2(' ووٹ')))).toBeNull();
    const done = r.add(part(1, encodeUcs2('آپ کا')));
    expect(done?.text).toBe('آپ کا ووٹ');
    expect(done?.total).toBe(2);
    expect(r.pendingCount).toBe(0);
  });

  it('reassembles what segmentForSms produced', () => {
    const text = 'آپ کا ووٹ '.repeat(30);
    const { dataCoding, segments } = segmentForSms(text, { reference: 77 });
    const r = new ConcatReassembler();
    let result = null;
    for (const s of segments.reverse()) {
      const parsed = parseUdh(s.shortMessage);
      const c = parsed?.udh.concat;
      if (!parsed || !c) throw new Error('segment without concat UDH');
      result = r.add({ sourceKey: 'zong:1', ref: c.ref, total: c.total, seq: c.seq, dataCoding, payload: parsed.payload }) ?? result;
    }
    expect(result?.text).toBe(text);
  });

  it('ignores a duplicate of a part it already holds', () => {
    const r = new ConcatReassembler();
    expect(r.add(part(1, encodeUcs2('a'), { total: 3 }))).toBeNull();
    expect(r.add(part(1, encodeUcs2('X'), { total: 3 }))).toBeNull();
    expect(r.add(part(2, encodeUcs2('b'), { total: 3 }))).toBeNull();
    expect(r.add(part(3, encodeUcs2('c'), { total: 3 }))?.text).toBe('abc');
  });

  it('keeps messages from different sources, refs and totals apart', () => {
    const r = new ConcatReassembler();
    r.add(part(1, encodeUcs2('A1'), { sourceKey: 'a' }));
    r.add(part(1, encodeUcs2('B1'), { sourceKey: 'b' }));
    r.add(part(1, encodeUcs2('R1'), { sourceKey: 'a', ref: 6 }));
    r.add(part(1, encodeUcs2('T1'), { sourceKey: 'a', total: 3 }));
    expect(r.pendingCount).toBe(4);
    expect(r.add(part(2, encodeUcs2('B2'), { sourceKey: 'b' }))?.text).toBe('B1B2');
    expect(r.add(part(2, encodeUcs2('A2'), { sourceKey: 'a' }))?.text).toBe('A1A2');
  });

  it('decodes a surrogate pair that a sender split across two parts', () => {
    const bytes = encodeUcs2('x😀');
    const r = new ConcatReassembler();
    r.add(part(1, bytes.subarray(0, 4)));
    expect(r.add(part(2, bytes.subarray(4)))?.text).toBe('x😀');
  });

  it('joins packed GSM parts after unpacking each with its own fill bits', () => {
    const r = new ConcatReassembler();
    const p1 = packGsm7(encodeGsm7('hello '), 1);
    const p2 = packGsm7(encodeGsm7('world'), 1);
    r.add({ ...part(1, p1), dataCoding: 0, gsm7Packed: true, gsm7PaddingBits: 1 });
    expect(r.add({ ...part(2, p2), dataCoding: 0, gsm7Packed: true, gsm7PaddingBits: 1 })?.text).toBe('hello world');
  });

  it('drops an incomplete message after the timeout and reports it once', () => {
    const clock = new FakeClock();
    const expired: ExpiredConcat[] = [];
    const r = new ConcatReassembler({ timeoutMs: 30_000, clock, onExpired: (e) => expired.push(e) });
    r.add(part(1, encodeUcs2('a'), { total: 3 }));
    clock.t += 10_000;
    r.add(part(1, encodeUcs2('other'), { sourceKey: 'other' }));
    clock.t += 20_000;
    expect(r.sweep()).toBe(1);
    expect(expired).toEqual([{ sourceKey: 'jazz:923001234567', ref: 5, total: 3, received: 1, firstPartAt: 1_000 }]);
    expect(r.pendingCount).toBe(1);
    expect(r.sweep()).toBe(0);
    // The late part starts a new message instead of completing the dropped one.
    expect(r.add(part(2, encodeUcs2('b'), { total: 3 }))).toBeNull();
    expect(expired).toHaveLength(1);
  });

  it('expires old messages on add without an explicit sweep', () => {
    const clock = new FakeClock();
    const expired: ExpiredConcat[] = [];
    const r = new ConcatReassembler({ timeoutMs: 1_000, clock, onExpired: (e) => expired.push(e) });
    r.add(part(1, encodeUcs2('a')));
    clock.t += 1_000;
    r.add(part(1, encodeUcs2('b'), { sourceKey: 'b' }));
    expect(expired.map((e) => e.sourceKey)).toEqual(['jazz:923001234567']);
  });

  it('ignores parts with a sequence number outside 1..total', () => {
    const r = new ConcatReassembler();
    expect(r.add(part(0, encodeUcs2('a')))).toBeNull();
    expect(r.add(part(3, encodeUcs2('a')))).toBeNull();
    expect(r.pendingCount).toBe(0);
  });

  it('says what became of each part through collect, and hands back the tags in part order', () => {
    const r = new ConcatReassembler<string>();
    expect(r.collect({ ...part(2, encodeUcs2('b')), tag: 'second' })).toEqual({ status: 'buffered', received: 1, total: 2 });
    expect(r.collect({ ...part(2, encodeUcs2('X')), tag: 'again' })).toEqual({ status: 'duplicate' });
    expect(r.collect(part(3, encodeUcs2('c')))).toEqual({ status: 'invalid' });
    const done = r.collect({ ...part(1, encodeUcs2('a')), tag: 'first' });
    expect(done).toMatchObject({ status: 'complete', message: { bytes: encodeUcs2('ab'), tags: ['first', 'second'], total: 2 } });
  });

  it('drops the oldest incomplete message beyond maxPending, reporting it through onDropped only', () => {
    const clock = new FakeClock();
    const dropped: DroppedConcat[] = [];
    const expired: ExpiredConcat[] = [];
    const r = new ConcatReassembler({ maxPending: 2, clock, onDropped: (d) => dropped.push(d), onExpired: (e) => expired.push(e) });
    r.add(part(1, encodeUcs2('a'), { ref: 1 }));
    r.add(part(1, encodeUcs2('b'), { ref: 2 }));
    r.add(part(1, encodeUcs2('c'), { ref: 3 }));
    expect(r.pendingCount).toBe(2);
    expect(dropped).toEqual([{ sourceKey: 'jazz:923001234567', ref: 1, total: 2, received: 1, firstPartAt: 1_000, reason: 'pending_cap' }]);
    expect(expired).toEqual([]);
  });

  it("with onTotalChange 'restart', drops the pending message when its reference comes back with another total", () => {
    const dropped: DroppedConcat[] = [];
    const r = new ConcatReassembler({ onTotalChange: 'restart', onDropped: (d) => dropped.push(d) });
    r.add(part(1, encodeUcs2('A1'), { total: 3 }));
    expect(r.add(part(2, encodeUcs2('B2')))).toBeNull();
    expect(dropped.map((d) => [d.reason, d.total])).toEqual([['total_changed', 3]]);
    expect(r.add(part(1, encodeUcs2('B1')))?.text).toBe('B1B2');
    expect(r.pendingCount).toBe(0);
  });

  it('reports a timeout through both onExpired and onDropped', () => {
    const clock = new FakeClock();
    const dropped: DroppedConcat[] = [];
    const expired: ExpiredConcat[] = [];
    const r = new ConcatReassembler({ timeoutMs: 10, clock, onDropped: (d) => dropped.push(d), onExpired: (e) => expired.push(e) });
    r.add(part(1, encodeUcs2('a')));
    clock.t += 10;
    expect(r.sweep()).toBe(1);
    expect(expired).toHaveLength(1);
    expect(dropped).toEqual([{ ...expired[0], reason: 'timeout' }]);
  });
});
