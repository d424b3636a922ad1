/** How the client waits between connection attempts. */
export interface ReconnectOptions {
  /** Delay before the first retry after a drop or failed bind. Default 1 000 ms. */
  initialDelayMs?: number;
  /** Ceiling on the delay. Default 60 000 ms. */
  maxDelayMs?: number;
  /** Growth per consecutive failure. Default 2. */
  factor?: number;
  /**
   * Random spread as a fraction of the delay: 0.2 means ±20 %. It keeps many binds that dropped
   * together (an SMSC restart) from reconnecting in lockstep. Default 0.2.
   */
  jitter?: number;
  /**
   * How long a bind must stay up before the backoff starts over from `initialDelayMs`. An SMSC
   * that accepts the bind and drops it at once then sees the delay grow, as for a refused bind,
   * instead of a reconnect every `initialDelayMs`. Default 30 000 ms.
   */
  backoffResetAfterMs?: number;
  /**
   * Delay after the SMSC refuses the bind's credentials (ESME_RINVPASWD, ESME_RINVSYSID,
   * ESME_RINVSYSTYP; not ESME_RBINDFAIL, which SMSCs also answer for too many binds), spread by `jitter` but not capped by `maxDelayMs`. Fast
   * retries cannot fix a password and may get the account locked. Default 300 000 ms.
   */
  authFailureDelayMs?: number;
}

export const DEFAULT_RECONNECT_OPTIONS: Required<ReconnectOptions> = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  factor: 2,
  jitter: 0.2,
  backoffResetAfterMs: 30_000,
  authFailureDelayMs: 300_000,
});

/** The options with their defaults filled in, keys given as undefined taking the default. */
export function resolveReconnectOptions(options: ReconnectOptions = {}): Required<ReconnectOptions> {
  return { ...DEFAULT_RECONNECT_OPTIONS, ...stripUndefined(options) };
}

/**
 * Delay before reconnect attempt number `attempt` (0 for the first retry): exponential growth
 * capped at maxDelayMs, then spread by ±jitter, never above maxDelayMs.
 */
export function reconnectDelayMs(attempt: number, options: ReconnectOptions = {}, random: () => number = Math.random): number {
  const { initialDelayMs, maxDelayMs, factor, jitter } = resolveReconnectOptions(options);
  const base = Math.min(maxDelayMs, initialDelayMs * Math.pow(factor, Math.max(0, attempt)));
  const spread = base * jitter * (2 * random() - 1);
  return Math.max(0, Math.min(maxDelayMs, Math.round(base + spread)));
}

/** Delay before binding again after the SMSC refused the bind's credentials: authFailureDelayMs ±jitter. */
export function authFailureDelayMs(options: ReconnectOptions = {}, random: () => number = Math.random): number {
  const { authFailureDelayMs: base, jitter } = resolveReconnectOptions(options);
  return Math.max(0, Math.round(base + base * jitter * (2 * random() - 1)));
}

function stripUndefined(options: ReconnectOptions): ReconnectOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
