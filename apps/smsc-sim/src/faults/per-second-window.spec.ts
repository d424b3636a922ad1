import { PerSecondWindow, SubmitRateMeter } from './per-second-window';

class FakeClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

function takes(window: PerSecondWindow, n: number): boolean[] {
  return Array.from({ length: n }, () => window.tryTake());
}

describe('PerSecondWindow', () => {
  it('calendar: lets cap through in each second of the clock and starts afresh at the next', () => {
    const clock = new FakeClock();
    clock.t = 5_000;
    const window = new PerSecondWindow(3, 'calendar', clock);
    expect(takes(window, 4)).toEqual([true, true, true, false]);
    clock.t = 5_999;
    expect(window.tryTake()).toBe(false);
    clock.t = 6_000;
    expect(takes(window, 4)).toEqual([true, true, true, false]);
  });

  it('calendar: lets two bursts of cap through either side of a second boundary', () => {
    const clock = new FakeClock();
    clock.t = 5_900;
    const window = new PerSecondWindow(3, 'calendar', clock);
    expect(takes(window, 3)).toEqual([true, true, true]);
    clock.t = 6_100;
    expect(takes(window, 3)).toEqual([true, true, true]);
  });

  it('sliding: refuses the second burst, since 1 000 ms have not passed since the first', () => {
    const clock = new FakeClock();
    clock.t = 5_900;
    const window = new PerSecondWindow(3, 'sliding', clock);
    expect(takes(window, 3)).toEqual([true, true, true]);
    clock.t = 6_100;
    expect(takes(window, 3)).toEqual([false, false, false]);
    // 1 000 ms after the first burst, its slots are free again.
    clock.t = 6_900;
    expect(takes(window, 4)).toEqual([true, true, true, false]);
  });

  it('sliding: frees each slot 1 000 ms after the submit_sm that used it', () => {
    const clock = new FakeClock();
    const window = new PerSecondWindow(2, 'sliding', clock);
    expect(window.tryTake()).toBe(true);
    clock.t += 400;
    expect(takes(window, 2)).toEqual([true, false]);
    clock.t += 599;
    expect(window.tryTake()).toBe(false);
    clock.t += 1;
    expect(takes(window, 2)).toEqual([true, false]);
    clock.t += 400;
    expect(window.tryTake()).toBe(true);
  });

  it('counts only what it lets through: offered twice the cap for 10 s, the cap passes every second', () => {
    const clock = new FakeClock();
    const window = new PerSecondWindow(50, 'sliding', clock);
    // 100 a second offered for 10 s: 50 a second pass, however the refusals fall.
    let passed = 0;
    for (let i = 0; i < 1_000; i++) {
      clock.t += 10;
      if (window.tryTake()) passed++;
    }
    expect(passed).toBe(500);
  });
});

describe('SubmitRateMeter', () => {
  it('reports the most submit_sm within any 1 000 ms, not per calendar second', () => {
    const clock = new FakeClock();
    const meter = new SubmitRateMeter(clock);
    clock.t = 5_900;
    for (let i = 0; i < 3; i++) meter.record();
    clock.t = 6_100;
    for (let i = 0; i < 3; i++) meter.record();
    expect(meter.maxPerSecond).toBe(6);
  });

  it('lets an arrival 1 000 ms old drop out of the window', () => {
    const clock = new FakeClock();
    const meter = new SubmitRateMeter(clock);
    // One every 100 ms for 5 s: never more than 10 in any 1 000 ms.
    for (let i = 0; i < 50; i++) {
      meter.record();
      clock.t += 100;
    }
    expect(meter.maxPerSecond).toBe(10);
  });

  it('keeps the highest count after the rate falls', () => {
    const clock = new FakeClock();
    const meter = new SubmitRateMeter(clock);
    for (let i = 0; i < 5_000; i++) meter.record();
    clock.t += 10_000;
    meter.record();
    expect(meter.maxPerSecond).toBe(5_000);
  });
});
