/**
 * Spaces sends evenly at a rate: one every 1/rate s and never two closer, with no credit saved
 * while idle, so nothing bursts at the start of a second (GCRA with no burst tolerance). SMSCs
 * that cap a bind's submit rate often police it over intervals shorter than a second.
 */
export class SendPacer {
  readonly intervalMs: number;
  /** Earliest time (per `now`) the next send is allowed. */
  private nextAt = Number.NEGATIVE_INFINITY;

  constructor(
    perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) throw new RangeError(`send rate must be a positive number per second, got ${perSecond}`);
    this.intervalMs = 1000 / perSecond;
  }

  /** How long until a send is allowed; 0 when it is now. */
  waitMs(): number {
    return Math.max(0, this.nextAt - this.now());
  }

  /** Takes the slot if a send is allowed now; false when the caller must wait `waitMs()`. */
  tryTake(): boolean {
    const now = this.now();
    if (now < this.nextAt) return false;
    this.nextAt = now + this.intervalMs;
    return true;
  }
}
