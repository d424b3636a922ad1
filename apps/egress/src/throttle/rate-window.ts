/** What one reservation got: `granted` tokens now, and when asking again may succeed. */
export interface Reservation {
  granted: number;
  /** 0 when every wanted token was granted; otherwise ms until enough grants leave the window. */
  waitMs: number;
}

/**
 * A sliding one-second window of granted tokens per key: never more than `limit` grants within
 * any window, whatever its alignment, which is how an SMSC counting our submit_sm sees us.
 */
export interface RateWindow {
  /**
   * Grants between `min` and `want` tokens (as many as are free), or none when fewer than `min`
   * are free. Needs 1 <= min <= want and min <= limit.
   */
  reserve(key: string, limit: number, want: number, min: number): Promise<Reservation>;
}

export const RATE_WINDOW_MS = 1000;
