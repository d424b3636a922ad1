import { RATE_WINDOW_MS, type RateWindow, type Reservation } from './rate-window';

interface Grant {
  at: number;
  count: number;
}

/** The same window in process memory: the fallback while Redis cannot answer, and the unit-test stand-in. */
export class LocalRateWindow implements RateWindow {
  private readonly windows = new Map<string, { grants: Grant[]; total: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly windowMs = RATE_WINDOW_MS,
  ) {}

  async reserve(key: string, limit: number, want: number, min: number): Promise<Reservation> {
    return this.reserveNow(key, limit, want, min);
  }

  reserveNow(key: string, limit: number, want: number, min: number): Reservation {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = { grants: [], total: 0 }));
    const cutoff = now - this.windowMs;
    let expired = 0;
    while (expired < window.grants.length && window.grants[expired].at <= cutoff) window.total -= window.grants[expired++].count;
    if (expired > 0) window.grants.splice(0, expired);

    const free = limit - window.total;
    const granted = free >= min ? Math.min(want, free) : 0;
    if (granted > 0) {
      window.grants.push({ at: now, count: granted });
      window.total += granted;
    }
    if (granted === want) return { granted, waitMs: 0 };
    // Tokens that must leave the window before the next ask can succeed.
    const needed = (granted === 0 ? min : 1) - (limit - window.total);
    let sum = 0;
    for (const grant of window.grants) {
      sum += grant.count;
      if (sum >= needed) return { granted, waitMs: Math.max(1, grant.at + this.windowMs - now) };
    }
    return { granted, waitMs: this.windowMs };
  }
}
