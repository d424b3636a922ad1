import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import type { MoExchangeOutcome, MoExchangeRequest } from '../traffic/mo-exchange';
import type { RecordedMt } from '../traffic/mt-recorder';
import { loadMsisdn, percentile, runLoad } from './load-runner';

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
