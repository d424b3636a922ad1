import { TpsLimiter } from './tps-limiter';

class FakeClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

function takes(limiter: TpsLimiter, n: number): boolean[] {
  return Array.from({ length: n }, () => limiter.tryTake());
}

describe('TpsLimiter', () => {
  it('lets a one-second burst of tps through, then refuses until time passes', () => {
    const clock = new FakeClock();
    const limiter = new TpsLimiter(5, clock);
    expect(takes(limiter, 7)).toEqual([true, true, true, true, true, false, false]);
  });

  it('refills at tps tokens per second', () => {
    const clock = new FakeClock();
    const limiter = new TpsLimiter(10, clock);
    takes(limiter, 10);
    clock.t += 99;
    expect(limiter.tryTake()).toBe(false);
    clock.t += 1;
    expect(limiter.tryTake()).toBe(true);
    expect(limiter.tryTake()).toBe(false);
    clock.t += 300;
    expect(takes(limiter, 4)).toEqual([true, true, true, false]);
  });

  it('never stores more than one second of tokens however long it idles', () => {
    const clock = new FakeClock();
    const limiter = new TpsLimiter(3, clock);
    clock.t += 60_000;
    expect(takes(limiter, 4)).toEqual([true, true, true, false]);
  });

  it('sustains the cap over a long run', () => {
    const clock = new FakeClock();
    const limiter = new TpsLimiter(50, clock);
    let passed = 0;
    // 200 attempts per second for 10 seconds.
    for (let i = 0; i < 2_000; i++) {
      clock.t += 5;
      if (limiter.tryTake()) passed++;
    }
    expect(passed).toBeGreaterThanOrEqual(500);
    expect(passed).toBeLessThanOrEqual(550);
  });
});
