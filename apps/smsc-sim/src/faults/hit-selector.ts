import { SeededRandom } from './seeded-random';

/** Which events a fault applies to: every Nth (exact, for tests), a seeded fraction, or, with neither, all. */
export interface Selection {
  /** The Nth, 2Nth, 3Nth... event is hit (1: every event). */
  every?: number;
  /** Probability in 0..1 that an event is hit, drawn from a PRNG seeded per rule. */
  fraction?: number;
}

/**
 * Decides, event by event, whether a fault applies. Each selector counts and draws on its own, so
 * adding a rule does not shift the hits of another.
 */
export class HitSelector {
  private seen = 0;
  private readonly random?: SeededRandom;

  constructor(
    private readonly selection: Selection,
    seed: number,
  ) {
    if (selection.fraction !== undefined) this.random = new SeededRandom(seed);
  }

  /** Counts one event and says whether it is hit. */
  hit(): boolean {
    this.seen++;
    if (this.selection.every !== undefined) return this.seen % this.selection.every === 0;
    if (this.random && this.selection.fraction !== undefined) return this.random.next() < this.selection.fraction;
    return true;
  }
}

/** Distinct seeds for the rules of one plan, derived from the plan's seed and the rule's position. */
export function ruleSeed(planSeed: number, rule: number): number {
  return (planSeed ^ Math.imul(rule + 1, 0x9e3779b9)) >>> 0;
}
