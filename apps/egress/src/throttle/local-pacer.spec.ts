import { LocalPacer } from './local-pacer';
import { HORIZON_MS, MIN_RATE_FACTOR, rateFactor, type PaceSettings } from './submit-pacer';

const jazz: PaceSettings = { limit: 100, pauseMs: 1000, recoveryPerSecond: 0.1 };

function setup() {
  const clock = { now: 1_000_000 };
  return { clock, pacer: new LocalPacer(() => clock.now) };
}

/** Absolute slot times of a reservation made at `at`. */
const slotsOf = (at: number, r: { granted: number; firstInMs: number; intervalMs: number }) =>
  Array.from({ length: r.granted }, (_, i) => at + r.firstInMs + i * r.intervalMs);

describe('LocalPacer', () => {
  it('spreads a second’s slots evenly, 1000 / tps ms apart, instead of granting them all at its start', () => {
    const { clock, pacer } = setup();
    const r = pacer.reserveNow('jazz', jazz, 100);
    // Only the slots within the horizon: 10 ms apart, the first at once.
    expect(r).toMatchObject({ granted: HORIZON_MS / 10 + 1, firstInMs: 0, intervalMs: 10 });
    expect(slotsOf(clock.now, r)).toEqual(Array.from({ length: HORIZON_MS / 10 + 1 }, (_, i) => clock.now + 10 * i));
    // Asked again once half a horizon's slots are in reach, not at every slot.
    expect(r.waitMs).toBe(10 + HORIZON_MS / 2 - 10);
  });

  it('dates at most tps slots in any second, however often it is asked', () => {
    const { clock, pacer } = setup();
    const slots: number[] = [];
    for (let ms = 0; ms < 3000; ms += 7) {
      clock.now = 1_000_000 + ms;
      slots.push(...slotsOf(clock.now, pacer.reserveNow('jazz', jazz, 1000)));
    }
    for (const from of slots) expect(slots.filter((t) => t >= from && t < from + 1000).length).toBeLessThanOrEqual(100);
    expect(slots.filter((t) => t < 1_000_000 + 3000)).toHaveLength(300);
  });

  it('continues the line where the last grant ended, and says when the next slot comes within reach', () => {
    const { clock, pacer } = setup();
    const first = pacer.reserveNow('jazz', jazz, 1000);
    const line = first.granted * 10;
    expect(pacer.reserveNow('jazz', jazz, 1)).toEqual({ granted: 0, firstInMs: line, intervalMs: 10, waitMs: line - HORIZON_MS });
    clock.now += line - HORIZON_MS;
    expect(pacer.reserveNow('jazz', jazz, 1)).toEqual({ granted: 1, firstInMs: HORIZON_MS, intervalMs: 10, waitMs: 0 });
  });

  it('keeps each operator’s line apart', () => {
    const { pacer } = setup();
    pacer.reserveNow('jazz', jazz, 1000);
    expect(pacer.reserveNow('zong', jazz, 1)).toMatchObject({ granted: 1, firstInMs: 0 });
  });

  it('after a slow-down sends nothing for the pause, then at half the rate, then climbs back to the cap', async () => {
    const { clock, pacer } = setup();
    pacer.reserveNow('jazz', jazz, 1);
    await pacer.slowDown('jazz', jazz);
    expect(pacer.reserveNow('jazz', jazz, 1)).toMatchObject({ granted: 0, waitMs: 1000 - HORIZON_MS });
    clock.now += 1000;
    expect(pacer.reserveNow('jazz', jazz, 1)).toMatchObject({ granted: 1, intervalMs: 20 });
    clock.now += 2500;
    expect(pacer.reserveNow('jazz', jazz, 1).intervalMs).toBeCloseTo(1000 / 75);
    clock.now += 5000;
    expect(pacer.reserveNow('jazz', jazz, 1).intervalMs).toBe(10);
  });

  it('halves once per pause however many refusals arrive during it, and never below the floor', async () => {
    const { clock, pacer } = setup();
    await pacer.slowDown('jazz', jazz);
    await pacer.slowDown('jazz', jazz);
    clock.now += 999;
    await pacer.slowDown('jazz', jazz);
    clock.now += 1;
    expect(pacer.reserveNow('jazz', jazz, 1).intervalMs).toBe(20);
    for (let i = 0; i < 10; i++) {
      await pacer.slowDown('jazz', jazz);
      clock.now += 1000;
    }
    const state = { tat: 0, factor: MIN_RATE_FACTOR, pausedUntil: clock.now };
    expect(pacer.reserveNow('jazz', jazz, 1).intervalMs).toBeCloseTo(1000 / (100 * rateFactor(state, clock.now, 0.1)));
  });
});
