import { LocalPacer } from './local-pacer';
import { OperatorThrottle, type OperatorThrottleOptions } from './operator-throttle';
import type { PaceSettings, SubmitPacer } from './submit-pacer';
import { ThrottleClosedError } from './throttle-closed-error';

/** A shared pacer over a fake clock that records every reservation asked of it. */
class RecordingPacer implements SubmitPacer {
  readonly asks: Array<{ at: number; want: number; granted: number }> = [];
  readonly slowDowns: string[] = [];
  failing = false;
  private readonly pacer: LocalPacer;
  constructor(private readonly clock: { now: number }) {
    this.pacer = new LocalPacer(() => clock.now);
  }
  async reserve(key: string, settings: PaceSettings, want: number) {
    if (this.failing) throw new Error('Connection is closed.');
    const r = this.pacer.reserveNow(key, settings, want);
    this.asks.push({ at: this.clock.now, want, granted: r.granted });
    return r;
  }
  async slowDown(key: string, settings: PaceSettings) {
    if (this.failing) throw new Error('Connection is closed.');
    this.slowDowns.push(key);
    return this.pacer.slowDown(key, settings);
  }
}

function setup(extra: Partial<OperatorThrottleOptions> = {}) {
  const clock = { now: 1_000_000 };
  const shared = new RecordingPacer(clock);
  const fallbacks: string[] = [];
  const waits: number[] = [];
  // The fake clock moves by exactly the time asked for: no real time passes. Sleepers wake in
  // time order, as timers do, so the pump's asks and the releases interleave as they would.
  const sleepers: Array<{ until: number; wake: () => void }> = [];
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      sleepers.push({ until: clock.now + ms, wake: resolve });
      sleepers.sort((a, b) => a.until - b.until);
      setImmediate(() => {
        const next = sleepers.shift();
        if (!next) return;
        clock.now = Math.max(clock.now, next.until);
        next.wake();
      });
    });
  const throttle = new OperatorThrottle(shared, {
    tps: { jazz: 50, zong: 3 },
    now: () => clock.now,
    sleep,
    onFallback: (operator) => fallbacks.push(operator),
    onWait: (_operator, seconds) => waits.push(seconds),
    ...extra,
  });
  return { clock, shared, fallbacks, waits, throttle };
}

/** Takes `n` slots of the operator; each taker's time of release, in order of asking. */
async function takeAll(throttle: OperatorThrottle, clock: { now: number }, operator: string, n: number): Promise<number[]> {
  const at: number[] = new Array(n);
  await Promise.all(Array.from({ length: n }, (_, i) => throttle.take(operator).then(() => (at[i] = clock.now))));
  return at;
}

describe('OperatorThrottle', () => {
  it('releases waiting takes one slot apart, in order, from a few batched asks', async () => {
    const { shared, throttle, clock } = setup();
    const start = clock.now;
    const at = await takeAll(throttle, clock, 'jazz', 120);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // 50 TPS: one every 20 ms, never two in the same slot, the whole 120 in 2.4 s.
    at.slice(1).forEach((t, i) => expect(t - at[i]).toBeGreaterThanOrEqual(20));
    expect(at.filter((t) => t < start + 1000)).toHaveLength(50);
    expect(at[119] - start).toBe(119 * 20);
    expect(shared.asks.length).toBeLessThanOrEqual(120 / 2);
  });

  it('answers takes by the pacer’s slots, not in a burst at the start of each second', async () => {
    const { throttle, clock } = setup();
    const start = clock.now;
    const at = await takeAll(throttle, clock, 'jazz', 50);
    expect(at.filter((t) => t < start + 100)).toHaveLength(5);
    expect(at.filter((t) => t >= start + 900)).toHaveLength(5);
  });

  it('paces with its own share of the TPS while Redis fails, and counts each fallback', async () => {
    const { shared, throttle, fallbacks, clock } = setup({ replicasHint: 2 });
    shared.failing = true;
    const start = clock.now;
    const at = await takeAll(throttle, clock, 'jazz', 30);
    // Half of 50 TPS: one every 40 ms.
    expect(at[29] - start).toBe(29 * 40);
    expect(fallbacks.length).toBeGreaterThan(0);
    expect(fallbacks.every((op) => op === 'jazz')).toBe(true);
  });

  it('leaves Redis alone for the hold period after a failure, then asks it again', async () => {
    const { shared, throttle, clock, fallbacks } = setup({ fallbackHoldMs: 500 });
    shared.failing = true;
    await throttle.take('jazz');
    shared.failing = false;
    clock.now += 499;
    await throttle.take('jazz');
    expect(shared.asks).toHaveLength(0);
    clock.now += 1;
    await throttle.take('jazz');
    expect(shared.asks).toHaveLength(1);
    expect(fallbacks).toHaveLength(2);
  });

  it('on ESME_RTHROTTLED pauses the whole link, then goes on at half the rate, and counts the slow-down', async () => {
    const slowDowns: string[] = [];
    const { shared, throttle, clock } = setup({ throttledPauseMs: 1000, onSlowDown: (op) => slowDowns.push(op) });
    await throttle.take('jazz');
    const refusedAt = clock.now;
    await throttle.throttled('jazz');
    const at = await takeAll(throttle, clock, 'jazz', 3);
    expect(at[0] - refusedAt).toBeGreaterThanOrEqual(1000);
    // Half of 50 TPS right after the pause: 40 ms apart.
    expect(at[1] - at[0]).toBe(40);
    expect(shared.slowDowns).toEqual(['jazz']);
    expect(slowDowns).toEqual(['jazz']);
  });

  it('slows down locally when Redis cannot take the slow-down, and never throws', async () => {
    const { shared, throttle, clock } = setup({ replicasHint: 1 });
    shared.failing = true;
    await throttle.take('jazz');
    const refusedAt = clock.now;
    await expect(throttle.throttled('jazz')).resolves.toBeUndefined();
    const [first] = await takeAll(throttle, clock, 'jazz', 1);
    expect(first - refusedAt).toBeGreaterThanOrEqual(1000);
  });

  it('rejects waiting and later takes once closed', async () => {
    let entered!: () => void;
    const sleeping = new Promise<void>((resolve) => (entered = resolve));
    const { throttle } = setup({
      sleep: (_ms, signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
          entered();
        }),
    });
    const first = throttle.take('zong');
    const waiting = throttle.take('zong');
    await first;
    await sleeping;
    throttle.close();
    await expect(waiting).rejects.toBeInstanceOf(ThrottleClosedError);
    await expect(throttle.take('zong')).rejects.toMatchObject({ code: 'THROTTLE_CLOSED', retriable: true });
  });

  it('lets an operator with no configured TPS through', async () => {
    const { throttle, shared } = setup();
    await throttle.take('unknown');
    await throttle.throttled('unknown');
    expect(shared.asks).toHaveLength(0);
    expect(shared.slowDowns).toHaveLength(0);
  });
});
