import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';
import type { MoAck } from '../traffic/mo-injector';
import type { RecordedMt } from '../traffic/mt-recorder';
import { loadMsisdn, percentile, runLoad, type Exchange } from './load-runner';

function replied(req: MoExchangeRequest, latencyMs: number): MoExchangeOutcome {
  const mo = { operator: req.operator, parts: 1, dataCoding: 0, commandStatus: 0, sentAt: 0, ackedAt: 1 };
  const mt = { text: 'ok', destinationAddr: req.msisdn } as RecordedMt;
  return { kind: 'replied', mo, mt, latencyMs };
}

describe('runLoad', () => {
  it('sends count MOs over the operators and texts in turn from distinct MSISDNs', async () => {
    const seen: MoExchangeRequest[] = [];
    const report = await runLoad({ count: 6, concurrency: 2, operators: ['jazz', 'zong'], texts: ['a', 'b', 'c'], timeoutMs: 1_000 }, async (req) => {
      seen.push(req);
      return replied(req, 10);
    });
    expect(report).toMatchObject({ sent: 6, acked: 6, replied: 6, timedOut: 0 });
    expect(seen.map((r) => r.operator)).toEqual(['jazz', 'zong', 'jazz', 'zong', 'jazz', 'zong']);
    expect(seen.map((r) => r.text)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(new Set(seen.map((r) => r.msisdn)).size).toBe(6);
    expect(seen.every((r) => /^923\d{9}$/.test(r.msisdn))).toBe(true);
  });

  it('never has more than concurrency MOs outstanding', async () => {
    let outstanding = 0;
    let peak = 0;
    await runLoad({ count: 50, concurrency: 4, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000 }, async (req) => {
      outstanding++;
      peak = Math.max(peak, outstanding);
      await new Promise((r) => setImmediate(r));
      outstanding--;
      return replied(req, 1);
    });
    expect(peak).toBe(4);
  });

  it('separates replies, timeouts, refusals and failures, and takes latency from replies only', async () => {
    let i = 0;
    const report = await runLoad({ count: 6, concurrency: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000 }, async (req) => {
      i++;
      if (i === 1) return replied(req, 100);
      if (i === 2) return replied(req, 300);
      if (i === 3) return { kind: 'timeout', mo: replied(req, 0).mo };
      if (i === 4) throw new MoRefusedError(0x58, 'ESME_RTHROTTLED');
      if (i === 5) throw new SimError('NO_RECEIVER_BIND', 'none', true);
      throw new Error('boom');
    });
    expect(report).toMatchObject({
      sent: 6,
      acked: 3,
      replied: 2,
      timedOut: 1,
      refused: { ESME_RTHROTTLED: 1 },
      failed: { NO_RECEIVER_BIND: 1, UNEXPECTED: 1 },
      latencyMs: { p50: 100, p95: 300, p99: 300, max: 300 },
    });
  });

  it('paces MOs at ratePerSec from the start of the run, however fast the replies come', async () => {
    let t = 1_000;
    const sentAt: number[] = [];
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    await runLoad(
      { count: 5, concurrency: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000, ratePerSec: 4 },
      async (req) => {
        sentAt.push(t);
        return replied(req, 1);
      },
      clock,
    );
    expect(sentAt).toEqual([1_000, 1_250, 1_500, 1_750, 2_000]);
  });

  it('does not wait when the replies are slower than the pace', async () => {
    let t = 0;
    const sentAt: number[] = [];
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    await runLoad(
      { count: 3, concurrency: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000, ratePerSec: 4 },
      async (req) => {
        sentAt.push(t);
        t += 400;
        return replied(req, 400);
      },
      clock,
    );
    expect(sentAt).toEqual([0, 400, 800]);
  });

  it('in an open loop sends each MO on time even while earlier ones wait for their reply', async () => {
    let t = 0;
    const sentAt: number[] = [];
    const pending: Array<() => void> = [];
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const run = runLoad(
      { count: 4, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000, ratePerSec: 10 },
      (req) => {
        sentAt.push(t);
        // No reply until every MO has gone: a closed loop would stop after the first.
        return new Promise<MoExchangeOutcome>((resolve) => pending.push(() => resolve(replied(req, 1_000))));
      },
      clock,
    );
    await new Promise((r) => setImmediate(r));
    expect(sentAt).toEqual([0, 100, 200, 300]);
    for (const release of pending) release();
    expect(await run).toMatchObject({ sent: 4, replied: 4 });
  });

  it('refuses an open loop without a rate', async () => {
    await expect(runLoad({ count: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000 }, async (req) => replied(req, 1))).rejects.toThrow(/ratePerSec/);
  });

  it("reports acknowledgement latency and rate from each MO's deliver_sm_resp", async () => {
    let t = 0;
    const clock = { now: () => t };
    const report = await runLoad(
      { count: 4, concurrency: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000 },
      async (req) => {
        t += 250;
        const outcome = replied(req, 30);
        return { ...outcome, mo: { ...outcome.mo, sentAt: 0, ackedAt: t / 250 } } as MoExchangeOutcome;
      },
      clock,
    );
    expect(report.ackLatencyMs).toEqual({ p50: 2, p95: 4, p99: 4, max: 4 });
    expect(report.ackedPerSec).toBe(4);
  });

  it('computes throughput from the run duration', async () => {
    let t = 0;
    const clock = { now: () => t };
    const report = await runLoad(
      { count: 10, concurrency: 10, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000 },
      async (req) => {
        t += 50;
        return replied(req, 5);
      },
      clock,
    );
    expect(report.durationMs).toBe(500);
    expect(report.throughputPerSec).toBe(20);
  });
});

describe('runLoad without awaiting replies (awaitReply false)', () => {
  const ack = (req: MoExchangeRequest, sentAt: number, ackedAt: number): MoAck => ({
    operator: req.operator,
    parts: 1,
    dataCoding: 0,
    commandStatus: 0,
    sentAt,
    ackedAt,
  });
  /** An exchange that must not be used: it records the call and never settles. */
  const unusedExchange =
    (calls: MoExchangeRequest[]): Exchange =>
    (req) => {
      calls.push(req);
      return new Promise<MoExchangeOutcome>(() => undefined);
    };

  it('counts each MO done at its acknowledgement, through inject only, with ack latency and rate and no reply figures', async () => {
    let t = 0;
    const clock = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    const exchanged: MoExchangeRequest[] = [];
    const injected: Array<{ req: MoExchangeRequest; at: number }> = [];
    const report = await runLoad(
      { count: 4, operators: ['jazz', 'zong'], texts: ['a', 'b'], timeoutMs: 1_000, ratePerSec: 10, awaitReply: false },
      {
        exchange: unusedExchange(exchanged),
        inject: async (req) => {
          injected.push({ req, at: t });
          return ack(req, t, t + 2 * injected.length);
        },
      },
      clock,
    );
    expect(exchanged).toEqual([]);
    expect(injected.map((i) => [i.req.operator, i.req.text, i.at])).toEqual([
      ['jazz', 'a', 0],
      ['zong', 'b', 100],
      ['jazz', 'a', 200],
      ['zong', 'b', 300],
    ]);
    expect(injected[0].req).toEqual({ operator: 'jazz', msisdn: loadMsisdn(0, 0), text: 'a', timeoutMs: 1_000 });
    expect(report).toEqual({
      sent: 4,
      acked: 4,
      replied: 0,
      timedOut: 0,
      refused: {},
      failed: {},
      durationMs: 300,
      throughputPerSec: 0,
      latencyMs: { p50: 0, p95: 0, p99: 0, max: 0 },
      ackLatencyMs: { p50: 4, p95: 8, p99: 8, max: 8 },
      ackedPerSec: 13.3,
    });
  });

  it('does not wait for a reply that never comes: the load ends when the last MO is acknowledged', async () => {
    const report = await runLoad(
      { count: 3, concurrency: 3, operators: ['jazz'], texts: ['x'], timeoutMs: 60_000, awaitReply: false },
      { exchange: unusedExchange([]), inject: async (req) => ack(req, 0, 1) },
    );
    expect(report).toMatchObject({ sent: 3, acked: 3, replied: 0, timedOut: 0 });
  });

  it('counts refused and failed injections as with replies awaited', async () => {
    let i = 0;
    const report = await runLoad(
      { count: 4, concurrency: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000, awaitReply: false },
      {
        exchange: unusedExchange([]),
        inject: async (req) => {
          i++;
          if (i === 2) throw new MoRefusedError(0x58, 'ESME_RTHROTTLED');
          if (i === 3) throw new SimError('MO_FAILED', 'no answer', true);
          if (i === 4) throw new SimError('NO_RECEIVER_BIND', 'none', true);
          return ack(req, 0, 3);
        },
      },
    );
    expect(report).toMatchObject({
      sent: 4,
      acked: 1,
      replied: 0,
      timedOut: 0,
      refused: { ESME_RTHROTTLED: 1 },
      failed: { MO_FAILED: 1, NO_RECEIVER_BIND: 1 },
      ackLatencyMs: { p50: 3, max: 3 },
    });
  });

  it('awaits replies through the exchange by default, even when an inject function is given', async () => {
    const injected: MoExchangeRequest[] = [];
    const report = await runLoad(
      { count: 2, concurrency: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000 },
      {
        exchange: async (req) => replied(req, 25),
        inject: async (req) => {
          injected.push(req);
          return ack(req, 0, 1);
        },
      },
    );
    expect(injected).toEqual([]);
    expect(report).toMatchObject({ sent: 2, acked: 2, replied: 2, latencyMs: { p50: 25 } });
  });

  it('refuses awaitReply false without an inject function', async () => {
    const load = { count: 1, concurrency: 1, operators: ['jazz'], texts: ['x'], timeoutMs: 1_000, awaitReply: false };
    await expect(runLoad(load, async (req) => replied(req, 1))).rejects.toThrow(/inject/);
    await expect(runLoad(load, { exchange: async (req) => replied(req, 1) })).rejects.toThrow(/inject/);
  });
});

describe('load helpers', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });

  it('formats MSISDNs as 923 and nine digits', () => {
    expect(loadMsisdn(0, 5)).toBe('923000000005');
    expect(loadMsisdn(999_999_999, 1)).toBe('923000000000');
  });
});
