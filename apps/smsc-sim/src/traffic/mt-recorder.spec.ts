import { segmentForSms } from '@parchee/smpp';
import { SimError } from '../errors/sim-error';
import { MtRecorder, type SubmittedSm } from './mt-recorder';
import { TrafficStats } from './traffic-stats';

const URDU_REPLY = 'آپ کا ووٹ قومی اسمبلی کے حلقہ این اے ایک سو بیس میں درج ہے۔ سلسلہ نمبر ۱۲۳ گھرانہ نمبر ۴۵ '.repeat(3);

class FakeClock {
  t = 10_000;
  now(): number {
    return this.t;
  }
}

function submitsFor(text: string, to: string, mode: 'udh8' | 'udh16' | 'sar' | 'payload' = 'udh8', reference = 7): SubmittedSm[] {
  const { dataCoding, segments } = segmentForSms(text, { reference, mode });
  return segments.map((s) => ({ sourceAddr: '8300', destinationAddr: to, dataCoding, esmClass: s.esmClass, shortMessage: s.shortMessage, tlvs: s.tlvs }));
}

describe('MtRecorder', () => {
  let clock: FakeClock;
  let stats: TrafficStats;
  let recorder: MtRecorder;

  beforeEach(() => {
    clock = new FakeClock();
    stats = new TrafficStats(['jazz', 'zong']);
    recorder = new MtRecorder({ historyLimit: 3, concatTimeoutMs: 5_000, stats, clock, sweepIntervalMs: 0 });
  });
  afterEach(() => recorder.close());

  it('records a single-part GSM MT with its decoded text', () => {
    const [sm] = submitsFor('Send your CNIC to 8300', '923001234567');
    const mt = recorder.record('jazz', sm, 'id-1');
    expect(mt).toMatchObject({ operator: 'jazz', text: 'Send your CNIC to 8300', parts: 1, dataCoding: 0, messageIds: ['id-1'], receivedAt: 10_000 });
    expect(mt?.concat).toBeUndefined();
  });

  it.each(['udh8', 'udh16', 'sar'] as const)('joins a multi-part UCS-2 MT sent with %s, whatever the part order', (mode) => {
    const parts = submitsFor(URDU_REPLY, '923001234567', mode, 0x0123);
    expect(parts.length).toBeGreaterThan(2);
    const results = [...parts].reverse().map((sm, i) => recorder.record('zong', sm, `m${i}`));
    const mt = results[results.length - 1];
    expect(results.slice(0, -1)).toEqual(parts.slice(1).map(() => null));
    expect(mt?.text).toBe(URDU_REPLY);
    expect(mt?.parts).toBe(parts.length);
    expect(mt?.dataCoding).toBe(8);
    expect(mt?.concat).toEqual({ ref: mode === 'udh8' ? 0x23 : 0x0123, total: parts.length, scheme: mode });
    expect(mt?.messageIds).toEqual(parts.map((_, i) => `m${parts.length - 1 - i}`));
    expect(stats.of('zong').mtParts).toBe(parts.length);
    expect(stats.of('zong').mtMessages).toBe(1);
  });

  it('reads a text carried whole in message_payload', () => {
    const [sm] = submitsFor(URDU_REPLY, '923001234567', 'payload');
    expect(sm.shortMessage.length).toBe(0);
    expect(recorder.record('jazz', sm, 'p')).toMatchObject({ text: URDU_REPLY, parts: 1, messagePayload: true });
  });

  it('keeps concatenations of different destinations and operators apart even with the same reference', () => {
    const a = submitsFor(URDU_REPLY, '923001111111', 'udh8', 5);
    const b = submitsFor(URDU_REPLY.toUpperCase() + 'x', '923002222222', 'udh8', 5);
    const c = submitsFor(URDU_REPLY, '923001111111', 'udh8', 5);
    recorder.record('jazz', a[0], 'a0');
    recorder.record('jazz', b[0], 'b0');
    recorder.record('zong', c[0], 'c0');
    for (const sm of a.slice(1)) recorder.record('jazz', sm, 'a');
    expect(recorder.recent({ operator: 'jazz' }).map((m) => m.destinationAddr)).toEqual(['923001111111']);
    expect(recorder.pendingConcatenations).toBe(2);
  });

  it('ignores a resent part and still completes the message once', () => {
    const parts = submitsFor(URDU_REPLY, '923001234567');
    recorder.record('jazz', parts[0], 'first');
    expect(recorder.record('jazz', parts[0], 'again')).toBeNull();
    let mt = null;
    for (const sm of parts.slice(1)) mt = recorder.record('jazz', sm, 'n');
    expect(mt?.messageIds[0]).toBe('first');
    expect(stats.of('jazz').mtMessages).toBe(1);
  });

  it('drops and counts a concatenation whose last part never comes', () => {
    const parts = submitsFor(URDU_REPLY, '923001234567');
    recorder.record('jazz', parts[0], 'x');
    clock.t += 5_000;
    recorder.record('jazz', submitsFor('other', '923009999999')[0], 'y');
    expect(stats.of('jazz').mtIncompleteExpired).toBe(1);
    expect(recorder.pendingConcatenations).toBe(0);
    // The late parts start a new, equally incomplete message rather than a wrong one.
    for (const sm of parts.slice(1)) expect(recorder.record('jazz', sm, 'late')).toBeNull();
  });

  it('gives up, and counts, an incomplete MT whose reference comes back with another total', () => {
    const long = submitsFor(URDU_REPLY, '923001234567', 'udh8', 7);
    const short = submitsFor(URDU_REPLY.slice(0, 100), '923001234567', 'udh8', 7);
    expect(long.length).not.toBe(short.length);
    recorder.record('jazz', long[0], 'old');
    let mt = null;
    for (const sm of short) mt = recorder.record('jazz', sm, 'new');
    expect(stats.of('jazz').mtIncompleteExpired).toBe(1);
    expect(mt).toMatchObject({ text: URDU_REPLY.slice(0, 100), parts: short.length, messageIds: short.map(() => 'new') });
  });

  it('records a "1 of 1" concatenation as a single MT', () => {
    const shortMessage = Buffer.concat([Buffer.from([0x05, 0x00, 0x03, 0x01, 0x01, 0x01]), Buffer.from('just one')]);
    const mt = recorder.record('jazz', { sourceAddr: '8300', destinationAddr: '923001234567', dataCoding: 0, esmClass: 0x40, shortMessage, tlvs: [] }, 'one');
    expect(mt).toMatchObject({ text: 'just one', parts: 1, messageIds: ['one'] });
    expect(mt?.concat).toBeUndefined();
  });

  it('records a binary or malformed MT as undecodable instead of failing', () => {
    const binary = recorder.record(
      'jazz',
      { sourceAddr: '8300', destinationAddr: '923001234567', dataCoding: 4, esmClass: 0, shortMessage: Buffer.from([1, 2]), tlvs: [] },
      'b',
    );
    expect(binary).toMatchObject({ text: '', error: 'BINARY_DATA_CODING' });
    const badUdh = recorder.record(
      'jazz',
      { sourceAddr: '8300', destinationAddr: '923001234567', dataCoding: 8, esmClass: 0x40, shortMessage: Buffer.from([9, 0]), tlvs: [] },
      'u',
    );
    expect(badUdh).toMatchObject({ error: 'MALFORMED_UDH' });
    expect(stats.of('jazz').mtUndecodable).toBe(2);
  });

  it('keeps only the newest MTs and filters them by MSISDN and operator', () => {
    for (const [op, to, text] of [
      ['jazz', '923000000001', 'one'],
      ['zong', '923000000002', 'two'],
      ['jazz', '923000000002', 'three'],
      ['jazz', '923000000001', 'four'],
    ]) {
      recorder.record(op, submitsFor(text, to)[0], text);
    }
    expect(recorder.recent().map((m) => m.text)).toEqual(['four', 'three', 'two']);
    expect(recorder.recent({ msisdn: '923000000002' }).map((m) => m.text)).toEqual(['three', 'two']);
    expect(recorder.recent({ msisdn: '923000000002', operator: 'zong' }).map((m) => m.text)).toEqual(['two']);
    expect(recorder.recent({ limit: 1 }).map((m) => m.text)).toEqual(['four']);
  });

  describe('reply correlation', () => {
    it('hands the next complete MT for the operator and MSISDN to the waiter', async () => {
      const waiter = recorder.expectMt('jazz', '923001234567', 1_000);
      recorder.record('zong', submitsFor('wrong operator', '923001234567')[0], 'z');
      recorder.record('jazz', submitsFor('wrong number', '923007654321')[0], 'w');
      const parts = submitsFor(URDU_REPLY, '923001234567');
      for (const sm of parts) recorder.record('jazz', sm, 'p');
      const mt = await waiter.promise;
      expect(mt?.text).toBe(URDU_REPLY);
      expect(recorder.waiting).toBe(0);
    });

    it('pairs replies with waiters of the same MSISDN in order', async () => {
      const first = recorder.expectMt('jazz', '923001234567', 1_000);
      const second = recorder.expectMt('jazz', '923001234567', 1_000);
      recorder.record('jazz', submitsFor('reply A', '923001234567')[0], 'a');
      recorder.record('jazz', submitsFor('reply B', '923001234567')[0], 'b');
      expect((await first.promise)?.text).toBe('reply A');
      expect((await second.promise)?.text).toBe('reply B');
    });

    it('does not hand a reply recorded before the wait began', async () => {
      recorder.record('jazz', submitsFor('old reply', '923001234567')[0], 'old');
      const waiter = recorder.expectMt('jazz', '923001234567', 1_000);
      recorder.record('jazz', submitsFor('new reply', '923001234567')[0], 'new');
      expect((await waiter.promise)?.text).toBe('new reply');
    });

    it('resolves null when no reply comes in time, and a cancelled waiter takes no reply', async () => {
      jest.useFakeTimers();
      try {
        const late = recorder.expectMt('jazz', '923001234567', 500);
        jest.advanceTimersByTime(500);
        await expect(late.promise).resolves.toBeNull();
        const cancelled = recorder.expectMt('jazz', '923001234567', 500);
        const next = recorder.expectMt('jazz', '923001234567', 500);
        cancelled.cancel();
        await expect(cancelled.promise).resolves.toBeNull();
        recorder.record('jazz', submitsFor('for next', '923001234567')[0], 'n');
        await expect(next.promise).resolves.toMatchObject({ text: 'for next' });
      } finally {
        jest.useRealTimers();
      }
    });

    it('fails waiters with SHUTTING_DOWN when closed', async () => {
      const waiter = recorder.expectMt('jazz', '923001234567', 60_000);
      recorder.close();
      await expect(waiter.promise).rejects.toBeInstanceOf(SimError);
      await expect(waiter.promise).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    });
  });
});
