import { LocalRateWindow } from './local-rate-window';
import { OperatorThrottle, type OperatorThrottleOptions } from './operator-throttle';
import type { RateWindow } from './rate-window';
import { ThrottleClosedError } from './throttle-closed-error';

/** A shared window over a fake clock that records every reservation asked of it. */
class RecordingWindow implements RateWindow {
  readonly asks: Array<{ at: number; want: number; granted: number }> = [];
  failing = false;
  private readonly window: LocalRateWindow;
  constructor(private readonly clock: { now: number }) {
    this.window = new LocalRateWindow(() => clock.now);
  }
  async reserve(key: string, limit: number, want: number, min: number) {
    if (this.failing) throw new Error('Connection is closed.');
    const r = this.window.reserveNow(key, limit, want, min);
    this.asks.push({ at: this.clock.now, want, granted: r.granted });
    return r;
  }
}

function setup(extra: Partial<OperatorThrottleOptions> = {}) {
  const clock = { now: 1_000_000 };
  const shared = new RecordingWindow(clock);
  const sleeps: number[] = [];
  const fallbacks: string[] = [];
  const waits: number[] = [];
  const throttle = new OperatorThrottle(shared, {
    tps: { jazz: 50, zong: 3 },
    now: () => clock.now,
    // The fake clock moves by exactly the backoff asked for: no real time passes.
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    onFallback: (operator) => fallbacks.push(operator),
    onWait: (_operator, seconds) => waits.push(seconds),
    ...extra,
  });
  return { clock, shared, sleeps, fallbacks, waits, throttle };
}

describe('OperatorThrottle', () => {
  it('grants many waiting takes in a few batched asks, never more than the TPS per second', async () => {
    const { shared, throttle, waits } = setup();
    const order: number[] = [];
    await Promise.all(Array.from({ length: 120 }, (_, i) => throttle.take('jazz').then(() => order.push(i))));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(shared.asks.map((a) => a.granted)).toEqual([50, 50, 20]);
    expect(shared.asks.map((a) => a.at - shared.asks[0].at)).toEqual([0, 1000, 2000]);
    expect(Math.max(...waits)).toBe(2);
  });

  it('answers acquire with 0 to go, or the ms until the window has room', async () => {
    const { throttle, clock } = setup();
    expect(await throttle.acquire('zong', 2)).toBe(0);
    clock.now += 250;
    expect(await throttle.acquire('zong', 2)).toBe(750);
    expect(await throttle.acquire('zong')).toBe(0);
    expect(await throttle.acquire('nobody', 1000)).toBe(0);
    await expect(throttle.acquire('zong', 4)).rejects.toThrow(RangeError);
  });

  it('paces with its own share of the TPS while Redis fails, and counts each fallback', async () => {
    const { shared, throttle, fallbacks } = setup({ replicasHint: 2 });
    shared.failing = true;
    const granted: number[] = [];
    for (let i = 0; i < 40; i++) if ((await throttle.acquire('jazz')) === 0) granted.push(i);
    expect(granted).toHaveLength(25);
    expect(fallbacks).toHaveLength(40);
    expect(fallbacks.every((op) => op === 'jazz')).toBe(true);
  });

  it('leaves Redis alone for the hold period after a failure, then asks it again', async () => {
    const { shared, throttle, clock, fallbacks } = setup({ fallbackHoldMs: 500 });
    shared.failing = true;
    await throttle.acquire('jazz');
    shared.failing = false;
    clock.now += 499;
    await throttle.acquire('jazz');
    expect(shared.asks).toHaveLength(0);
    clock.now += 1;
    await throttle.acquire('jazz');
    expect(shared.asks).toHaveLength(1);
    expect(fallbacks).toHaveLength(2);
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
    await Promise.all([throttle.take('zong'), throttle.take('zong'), throttle.take('zong')]);
    const waiting = throttle.take('zong');
    await sleeping;
    throttle.close();
    await expect(waiting).rejects.toBeInstanceOf(ThrottleClosedError);
    await expect(throttle.take('zong')).rejects.toMatchObject({ code: 'THROTTLE_CLOSED', retriable: true });
  });

  it('lets an operator with no configured TPS through', async () => {
    const { throttle, shared } = setup();
    await throttle.take('unknown');
    expect(shared.asks).toHaveLength(0);
  });
});
