import { setTimeout as delay } from 'node:timers/promises';
import type { RedisClient } from '@parchee/redis';
import { silentLogger, type Logger } from '@parchee/observability';
import { LocalPacer } from './local-pacer';
import { RedisPacer } from './redis-pacer';
import type { PaceSettings, Reservation, SubmitPacer } from './submit-pacer';
import { ThrottleClosedError } from './throttle-closed-error';

export interface OperatorThrottleOptions {
  /** Each operator's cap on our submit_sm rate (its link's `tps`), all binds and replicas together. */
  tps: Readonly<Record<string, number>>;
  /** How many egress replicas share the cap: without Redis each one allows tps / replicasHint. Default 1. */
  replicasHint?: number;
  /** How long a link sends nothing after ESME_RTHROTTLED, ms. Default 1000. */
  throttledPauseMs?: number;
  /** Share of the cap a slowed link regains per second. Default 0.1. */
  recoveryPerSecond?: number;
  /** After Redis failed, use the local pacer this long before asking Redis again, ms. Default 1000. */
  fallbackHoldMs?: number;
  now?: () => number;
  /** Waits between asks and until slots; rejects when the signal aborts (close). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<unknown>;
  /** A reservation served by the local pacer because Redis could not answer. */
  onFallback?: (operator: string) => void;
  /** How long a `take` waited for its slot. */
  onWait?: (operator: string, seconds: number) => void;
  /** The link slowed down after the SMSC said ESME_RTHROTTLED. */
  onSlowDown?: (operator: string) => void;
  logger?: Logger;
}

interface Waiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

interface Line {
  waiters: Waiter[];
  running: boolean;
}

/**
 * Paces submit_sm per operator to the operator's TPS, shared by every egress replica through
 * Redis, in slots spread evenly over the second (SubmitPacer). Slots are asked in batches:
 * however many MTs wait for one operator, one round trip grants every slot due within the
 * pacer's horizon, and each waiter goes at its own slot. After ESME_RTHROTTLED (`throttled`) the
 * whole link pauses and slows, for every replica. A sick Redis never stops sending: the process
 * falls back to its own share of the rate until Redis answers again.
 */
export class OperatorThrottle {
  private readonly settings: Map<string, PaceSettings>;
  private readonly local: LocalPacer;
  private readonly lines = new Map<string, Line>();
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<unknown>;
  private readonly replicasHint: number;
  private sharedRetryAt = 0;
  private closed = false;

  constructor(
    private readonly shared: SubmitPacer,
    private readonly options: OperatorThrottleOptions,
  ) {
    const pauseMs = options.throttledPauseMs ?? 1000;
    const recoveryPerSecond = options.recoveryPerSecond ?? 0.1;
    this.settings = new Map(Object.entries(options.tps).map(([operator, limit]) => [operator, { limit, pauseMs, recoveryPerSecond }]));
    this.now = options.now ?? Date.now;
    this.local = new LocalPacer(this.now);
    this.logger = options.logger ?? silentLogger;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.replicasHint = Math.max(1, options.replicasHint ?? 1);
  }

  static withRedis(redis: RedisClient, options: OperatorThrottleOptions): OperatorThrottle {
    return new OperatorThrottle(new RedisPacer(redis), options);
  }

  /** Resolves at the operator's next free slot. Waiters are served in order. */
  take(operator: string): Promise<void> {
    if (this.closed) return Promise.reject(new ThrottleClosedError(operator));
    const settings = this.settings.get(operator);
    if (settings === undefined) return Promise.resolve();
    const line = this.lines.get(operator) ?? this.lineFor(operator);
    const started = this.now();
    const taken = new Promise<void>((resolve, reject) => line.waiters.push({ resolve, reject }));
    if (!line.running) {
      line.running = true;
      // On the next microtask, so takes made in the same tick share one ask.
      queueMicrotask(() => void this.pump(operator, settings, line));
    }
    return taken.then(() => this.options.onWait?.(operator, (this.now() - started) / 1000));
  }

  /**
   * The SMSC answered ESME_RTHROTTLED: the link pauses and halves its rate, for every replica
   * (once per pause, however many in-flight submits it refused), then climbs back. Never throws:
   * without Redis the local pacer slows down alone.
   */
  async throttled(operator: string): Promise<void> {
    const settings = this.settings.get(operator);
    if (settings === undefined) return;
    this.options.onSlowDown?.(operator);
    await this.local.slowDown(operator, settings);
    if (this.now() < this.sharedRetryAt) return;
    await this.shared.slowDown(operator, settings).catch((err: Error) => {
      this.logger.warn({ operator, err: err.message }, 'shared submit throttle unavailable; the slow-down applies to this replica only');
    });
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

  private async pump(operator: string, settings: PaceSettings, line: Line): Promise<void> {
    try {
      while (line.waiters.length > 0) {
        if (this.closed) throw new ThrottleClosedError(operator);
        // Asking for every waiter at once: the pacer grants the slots within its horizon and says when to ask again.
        const reservation = await this.reserve(operator, settings, line.waiters.length);
        const granted = line.waiters.splice(0, reservation.granted);
        // Released at their slots while the next ask is already on its way.
        void this.release(operator, granted, reservation);
        if (reservation.waitMs > 0 && line.waiters.length > 0 && !this.closed) await this.sleep(reservation.waitMs, this.abort.signal);
      }
    } catch (err) {
      const failure = this.closed ? new ThrottleClosedError(operator) : (err as Error);
      for (const waiter of line.waiters.splice(0)) waiter.reject(failure);
    } finally {
      line.running = false;
    }
  }

  /** Resolves each waiter at its slot; slots within the same millisecond go together. */
  private async release(operator: string, waiters: Waiter[], slots: Reservation): Promise<void> {
    const first = this.now() + slots.firstInMs;
    let next = 0;
    try {
      while (next < waiters.length) {
        const now = this.now();
        while (next < waiters.length && first + next * slots.intervalMs <= now) waiters[next++].resolve();
        if (next < waiters.length) await this.sleep(Math.max(1, Math.ceil(first + next * slots.intervalMs - now)), this.abort.signal);
      }
    } catch {
      for (const waiter of waiters.slice(next)) waiter.reject(new ThrottleClosedError(operator));
    }
  }

  private async reserve(operator: string, settings: PaceSettings, want: number): Promise<Reservation> {
    if (this.now() >= this.sharedRetryAt) {
      try {
        return await this.shared.reserve(operator, settings, want);
      } catch (err) {
        this.sharedRetryAt = this.now() + (this.options.fallbackHoldMs ?? 1000);
        this.logger.warn({ operator, err: (err as Error).message }, 'shared submit throttle unavailable; pacing with the local share');
      }
    }
    this.options.onFallback?.(operator);
    const share = { ...settings, limit: settings.limit / this.replicasHint };
    return this.local.reserveNow(operator, share, want);
  }
}
