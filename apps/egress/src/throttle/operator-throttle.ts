import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from '@parchee/redis';
import { silentLogger, type Logger } from '@parchee/observability';
import { LocalRateWindow } from './local-rate-window';
import type { RateWindow, Reservation } from './rate-window';
import { RedisRateWindow } from './redis-rate-window';
import { ThrottleClosedError } from './throttle-closed-error';

export interface OperatorThrottleOptions {
  /** Each operator's cap on our submit_sm rate (its link's `tps`), all binds and replicas together. */
  tps: Readonly<Record<string, number>>;
  /** How many egress replicas share the cap: without Redis each one allows tps / replicasHint. Default 1. */
  replicasHint?: number;
  /** After Redis failed, use the local window this long before asking Redis again, ms. Default 1000. */
  fallbackHoldMs?: number;
  now?: () => number;
  /** Waits between asks; rejects when the signal aborts (close). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<unknown>;
  /** A reservation served by the local window because Redis could not answer. */
  onFallback?: (operator: string) => void;
  /** How long a `take` waited for its token. */
  onWait?: (operator: string, seconds: number) => void;
  logger?: Logger;
}

interface Line {
  waiters: Array<{ resolve: () => void; reject: (err: Error) => void }>;
  running: boolean;
}

/**
 * Paces submit_sm per operator to the operator's TPS, shared by every egress replica through
 * Redis. Tokens are asked in batches: however many MTs wait for one operator, one round trip
 * grants as many as the window has free. A sick Redis never stops sending: the process falls
 * back to its own share of the rate until Redis answers again.
 */
export class OperatorThrottle {
  private readonly limits: Map<string, number>;
  private readonly local: LocalRateWindow;
  private readonly lines = new Map<string, Line>();
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<unknown>;
  private readonly replicasHint: number;
  private sharedRetryAt = 0;
  private closed = false;

  constructor(
    private readonly shared: RateWindow,
    private readonly options: OperatorThrottleOptions,
  ) {
    this.limits = new Map(Object.entries(options.tps));
    this.now = options.now ?? Date.now;
    this.local = new LocalRateWindow(this.now);
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.replicasHint = Math.max(1, options.replicasHint ?? 1);
  }

  static withRedis(redis: RedisClient, options: OperatorThrottleOptions): OperatorThrottle {
    return new OperatorThrottle(new RedisRateWindow(redis), options);
  }

  /**
   * Tries to take `n` tokens at once: 0 when they are taken (go), else the ms to wait before
   * asking again (none were taken). An operator with no configured rate is not throttled.
   */
  async acquire(operator: string, n = 1): Promise<number> {
    const limit = this.limits.get(operator);
    if (limit === undefined) return 0;
    if (!Number.isInteger(n) || n < 1 || n > limit) throw new RangeError(`can take 1..${limit} tokens of ${operator} at once, asked ${n}`);
    return (await this.reserve(operator, limit, n, n)).waitMs;
  }

  /** Resolves when one token of the operator is taken. Waiters are served in order. */
  take(operator: string): Promise<void> {
    if (this.closed) return Promise.reject(new ThrottleClosedError(operator));
    const limit = this.limits.get(operator);
    if (limit === undefined) return Promise.resolve();
    const line = this.lines.get(operator) ?? this.lineFor(operator);
    const started = this.now();
    const taken = new Promise<void>((resolve, reject) => line.waiters.push({ resolve, reject }));
    if (!line.running) {
      line.running = true;
      // On the next microtask, so takes made in the same tick share one ask.
      queueMicrotask(() => void this.pump(operator, limit, line));
    }
    return taken.then(() => this.options.onWait?.(operator, (this.now() - started) / 1000));
  }

  /** Stops pacing: waiting and later takes reject with ThrottleClosedError. */
  close(): void {
    this.closed = true;
    this.abort.abort();
  }

  private lineFor(operator: string): Line {
    const line: Line = { waiters: [], running: false };
    this.lines.set(operator, line);
    return line;
  }

  private async pump(operator: string, limit: number, line: Line): Promise<void> {
    try {
      while (line.waiters.length > 0) {
        if (this.closed) throw new ThrottleClosedError(operator);
        // Asking for every waiter at once: the window grants what it has free and says when to ask again.
        const { granted, waitMs } = await this.reserve(operator, limit, line.waiters.length, 1);
        for (const waiter of line.waiters.splice(0, granted)) waiter.resolve();
        if (waitMs > 0 && line.waiters.length > 0 && !this.closed) await this.sleep(waitMs, this.abort.signal);
      }
    } catch (err) {
      const failure = this.closed ? new ThrottleClosedError(operator) : (err as Error);
      for (const waiter of line.waiters.splice(0)) waiter.reject(failure);
    } finally {
      line.running = false;
    }
  }

  private async reserve(operator: string, limit: number, want: number, min: number): Promise<Reservation> {
    if (this.now() >= this.sharedRetryAt) {
      try {
        return await this.shared.reserve(operator, limit, want, min);
      } catch (err) {
        this.sharedRetryAt = this.now() + (this.options.fallbackHoldMs ?? 1000);
        this.logger.warn({ operator, err: (err as Error).message }, 'shared submit throttle unavailable; pacing with the local share');
      }
    }
    this.options.onFallback?.(operator);
    const share = Math.max(1, Math.floor(limit / this.replicasHint));
    return this.local.reserveNow(operator, share, Math.min(want, share), Math.min(min, share));
  }
}
