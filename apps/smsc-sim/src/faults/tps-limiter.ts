/**
 * A token bucket: `tps` tokens per second, holding at most `tps` (one second of burst), as
 * operators meter binds. Each submit_sm takes a token; none left means ESME_RTHROTTLED.
 */
export class TpsLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly tps: number,
    private readonly clock: { now(): number } = { now: () => Date.now() },
  ) {
    this.tokens = tps;
    this.last = clock.now();
  }

  /** Takes a token if one is left. */
  tryTake(): boolean {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.tps, this.tokens + (elapsed * this.tps) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
