/**
 * What one reservation got: `granted` send slots, the first `firstInMs` from now and the rest
 * `intervalMs` apart, and when asking again may grant more.
 */
export interface Reservation {
  granted: number;
  /** Ms from now until the first granted slot; 0 when it may be used at once. */
  firstInMs: number;
  /** Ms between consecutive slots: 1000 / the rate the link runs at now. */
  intervalMs: number;
  /** 0 when every wanted slot was granted; otherwise ms until asking again grants a useful batch. */
  waitMs: number;
}

/** How an operator link is paced: its cap, and how it slows down and recovers after ESME_RTHROTTLED. */
export interface PaceSettings {
  /** submit_sm per second, all binds and replicas together (the link's `tps`). */
  limit: number;
  /** How long the link sends nothing after the SMSC said ESME_RTHROTTLED, ms. */
  pauseMs: number;
  /** Share of `limit` regained per second after a slow-down (additive increase), e.g. 0.1. */
  recoveryPerSecond: number;
}

/**
 * Send slots per operator link, dated evenly: one every 1000 / rate ms (GCRA: a theoretical
 * arrival time advanced by each grant), so the SMSC sees a steady stream instead of the whole
 * second's allowance in a burst at its start. Slots are granted at most HORIZON_MS ahead: one ask
 * serves many MTs, and a slow-down takes effect within that time.
 *
 * After ESME_RTHROTTLED the link slows down as operators expect (AIMD): it pauses, its rate
 * halves (not below MIN_RATE_FACTOR of the cap, once per pause however many in-flight submits
 * were refused), then climbs back by `recoveryPerSecond` of the cap each second.
 */
export interface SubmitPacer {
  reserve(key: string, settings: PaceSettings, want: number): Promise<Reservation>;
  slowDown(key: string, settings: PaceSettings): Promise<void>;
}

/** How far ahead slots are granted, ms. */
export const HORIZON_MS = 100;
/** The slowest a link gets after repeated throttling, as a share of its cap. */
export const MIN_RATE_FACTOR = 0.05;

/** A link's pacing state: the next free slot and the current slow-down. */
export interface PaceState {
  /** Theoretical arrival time: the next free slot, epoch ms. */
  tat: number;
  /** Rate factor right after the last slow-down (1: none). */
  factor: number;
  /** When the link may send again after its last slow-down, epoch ms; recovery starts there. */
  pausedUntil: number;
}

export const FRESH_PACE: Readonly<PaceState> = { tat: 0, factor: 1, pausedUntil: 0 };

/** The factor now: the last slow-down's, plus what the link regained since its pause ended. */
export function rateFactor(state: PaceState, now: number, recoveryPerSecond: number): number {
  if (state.factor >= 1) return 1;
  const since = now - state.pausedUntil;
  return since <= 0 ? state.factor : Math.min(1, state.factor + (recoveryPerSecond * since) / 1000);
}

/**
 * One reservation against a state, changed in place. The same arithmetic as the Redis script
 * (redis-pacer.ts): the local fallback and the shared pacer grant alike.
 */
export function reserveSlots(state: PaceState, now: number, settings: PaceSettings, want: number): Reservation {
  const intervalMs = 1000 / (settings.limit * rateFactor(state, now, settings.recoveryPerSecond));
  const start = Math.max(state.tat, now, state.pausedUntil);
  const reach = now + HORIZON_MS - start;
  const granted = reach < 0 ? 0 : Math.min(want, Math.floor(reach / intervalMs) + 1);
  if (granted > 0) state.tat = start + granted * intervalMs;
  if (granted === want) return { granted, firstInMs: start - now, intervalMs, waitMs: 0 };
  // Ask again once half a horizon of slots is in reach (or all still wanted): a few asks a second
  // per link at any rate, never one per slot.
  const batch = Math.min(want - granted, Math.max(1, Math.floor(HORIZON_MS / intervalMs / 2)));
  const next = Math.max(state.tat, now, state.pausedUntil);
  return { granted, firstInMs: start - now, intervalMs, waitMs: Math.max(1, Math.ceil(next + (batch - 1) * intervalMs - HORIZON_MS - now)) };
}

/** A slow-down: once per pause, however many refusals arrive during it. */
export function slowDownState(state: PaceState, now: number, settings: PaceSettings): void {
  if (now < state.pausedUntil) return;
  state.factor = Math.max(MIN_RATE_FACTOR, rateFactor(state, now, settings.recoveryPerSecond) / 2);
  state.pausedUntil = now + settings.pauseMs;
}
