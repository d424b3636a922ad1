/** First and largest pause between retries of a temporarily failed submit_sm, ms. */
export const FIRST_RETRY_DELAY_MS = 50;
export const MAX_RETRY_DELAY_MS = 2000;

export interface SubmitBackoffOptions {
  /** The shortest pause after ESME_RTHROTTLED or ESME_RMSGQFUL: hammering a throttling SMSC only prolongs it. */
  throttledMinMs: number;
  /** Uniform in [0, 1); injectable so tests are exact. */
  random: () => number;
}

/**
 * The pause before retry number `attempt` (0 for the first): exponential with "equal jitter",
 * half the step fixed and half random, so MTs that failed together do not all retry together.
 * After throttling (or a full queue) the pause is the configured minimum plus up to half of it,
 * spread the same way.
 */
export function submitRetryDelayMs(attempt: number, throttled: boolean, options: SubmitBackoffOptions): number {
  if (throttled) return Math.round(options.throttledMinMs * (1 + options.random() / 2));
  const step = Math.min(FIRST_RETRY_DELAY_MS * 2 ** attempt, MAX_RETRY_DELAY_MS);
  return Math.round(step / 2 + (options.random() * step) / 2);
}
