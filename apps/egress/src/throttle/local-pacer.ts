import { FRESH_PACE, reserveSlots, slowDownState, type PaceSettings, type PaceState, type Reservation, type SubmitPacer } from './submit-pacer';

/** The pacer in process memory: the fallback while Redis cannot answer, and the unit-test stand-in. */
export class LocalPacer implements SubmitPacer {
  private readonly states = new Map<string, PaceState>();

  constructor(private readonly now: () => number = Date.now) {}

  async reserve(key: string, settings: PaceSettings, want: number): Promise<Reservation> {
    return this.reserveNow(key, settings, want);
  }

  reserveNow(key: string, settings: PaceSettings, want: number): Reservation {
    return reserveSlots(this.state(key), this.now(), settings, want);
  }

  async slowDown(key: string, settings: PaceSettings): Promise<void> {
    slowDownState(this.state(key), this.now(), settings);
  }

  private state(key: string): PaceState {
    let state = this.states.get(key);
    if (!state) this.states.set(key, (state = { ...FRESH_PACE }));
    return state;
  }
}
