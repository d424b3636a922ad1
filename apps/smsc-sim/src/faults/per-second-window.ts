/** How a strict per-second cap counts: per calendar second of the clock, or over the last 1 000 ms at every submit_sm. */
export type WindowMode = 'calendar' | 'sliding';

/**
 * A strict cap on submit_sm per second, as many SMSCs police a bind, with no burst allowance:
 * - `calendar`: at most `cap` in each second of the clock (hh:mm:ss.000 to .999), the count starting
 *   afresh at each second;
 * - `sliding`: at most `cap` in any 1 000 ms, i.e. a submit_sm passes only if fewer than `cap`
 *   passed in the 1 000 ms before it. Stricter: two half-second bursts of `cap` either side of a
 *   calendar boundary pass the calendar window and fail this one.
 * Only the submit_sm it lets through count: a refused one does not use up the second.
 */
export class PerSecondWindow {
  private readonly times?: Float64Array;
  private next = 0;
  private filled = 0;
  private second = Number.NEGATIVE_INFINITY;
  private count = 0;

  constructor(
    private readonly cap: number,
    mode: WindowMode,
    private readonly clock: { now(): number } = { now: () => Date.now() },
  ) {
    // The last `cap` passes are all the sliding window needs: the oldest of them decides.
    if (mode === 'sliding') this.times = new Float64Array(cap);
  }

  /** Counts the submit_sm if it fits the cap; false means ESME_RTHROTTLED. */
  tryTake(): boolean {
    const now = this.clock.now();
    if (!this.times) {
      const second = Math.floor(now / 1000);
      if (second !== this.second) {
        this.second = second;
        this.count = 0;
      }
      if (this.count >= this.cap) return false;
      this.count++;
      return true;
    }
    if (this.filled === this.cap && this.times[this.next] > now - 1000) return false;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.cap;
    this.filled = Math.min(this.cap, this.filled + 1);
    return true;
  }
}

/**
 * The most submit_sm received within any 1 000 ms (every one counted, throttled or not), for
 * GET /stats: what a strict per-second SMSC would have seen of the ESME's pacing.
 */
export class SubmitRateMeter {
  /** Arrival times of the last 1 000 ms, oldest first from `head`. */
  private times: number[] = [];
  private head = 0;
  private highest = 0;

  constructor(private readonly clock: { now(): number } = { now: () => Date.now() }) {}

  /** Counts one submit_sm arriving now. */
  record(): void {
    const now = this.clock.now();
    while (this.head < this.times.length && this.times[this.head] <= now - 1000) this.head++;
    // Compacted once the dropped part is the larger half, so the array stays about one second long.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    this.times.push(now);
    this.highest = Math.max(this.highest, this.times.length - this.head);
  }

  /** The most submit_sm seen within any 1 000 ms so far. */
  get maxPerSecond(): number {
    return this.highest;
  }
}
