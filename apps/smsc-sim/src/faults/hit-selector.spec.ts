import { HitSelector, ruleSeed } from './hit-selector';
import { SeededRandom } from './seeded-random';

function hits(selector: HitSelector, events: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= events; i++) if (selector.hit()) out.push(i);
  return out;
}

describe('HitSelector', () => {
  it('hits exactly the Nth, 2Nth, 3Nth... event with every: N', () => {
    expect(hits(new HitSelector({ every: 3 }, 1), 10)).toEqual([3, 6, 9]);
    expect(hits(new HitSelector({ every: 1 }, 1), 4)).toEqual([1, 2, 3, 4]);
  });

  it('hits every event when neither every nor fraction is given', () => {
    expect(hits(new HitSelector({}, 1), 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('hits the same events for the same seed and different ones for another seed', () => {
    const a = hits(new HitSelector({ fraction: 0.3 }, 42), 200);
    const b = hits(new HitSelector({ fraction: 0.3 }, 42), 200);
    const c = hits(new HitSelector({ fraction: 0.3 }, 43), 200);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('hits close to the fraction over many events, never with 0 and always with 1', () => {
    const count = hits(new HitSelector({ fraction: 0.25 }, 9), 10_000).length;
    expect(count).toBeGreaterThan(2_300);
    expect(count).toBeLessThan(2_700);
    expect(hits(new HitSelector({ fraction: 0 }, 9), 100)).toEqual([]);
    expect(hits(new HitSelector({ fraction: 1 }, 9), 100)).toHaveLength(100);
  });

  it('gives each rule of a plan its own seed', () => {
    expect(new Set([0, 1, 2, 3].map((rule) => ruleSeed(1, rule))).size).toBe(4);
  });
});

describe('SeededRandom', () => {
  it('draws in [0, 1)', () => {
    const random = new SeededRandom(0);
    for (let i = 0; i < 1_000; i++) {
      const x = random.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
