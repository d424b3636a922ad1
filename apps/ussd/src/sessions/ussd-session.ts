import type { Screen } from '@parchee/ussd';

/** The transports a USSD dialog can come by (none is built yet): SMPP USSD operations, or an aggregator's HTTP gateway. */
export type UssdTransport = 'smpp' | 'http';

/**
 * One dialog as the session store keeps it between steps. Sealed as a whole before it leaves the
 * process: the menu state after a lookup holds the voter's details. Never a CNIC, never the
 * number, never a transport's session id (which may contain the number): the key stands for those.
 */
export interface UssdSession {
  v: 1;
  /** A random id of this dialog (UUID): its MT ids and audit rows derive from it. */
  dialog: string;
  /** Epoch ms when the dialog began. */
  begunAt: number;
  /** Steps answered so far; the step being answered is `steps + 1`. */
  steps: number;
  /** The menu state after the last answered step, as `JSON.stringify(MenuState)` (read back with decodeMenuState). */
  state: string;
  /** The last answered step: its fingerprint and the screen it was answered with, for a replay of it. */
  last: { step: string; screen: Screen } | null;
  /**
   * A step being answered now, by one process (`by`), until `until` (epoch ms): a second copy of
   * the step (the network retried it, perhaps to another replica) waits for its answer instead of
   * stepping the menu again; a claim past `until` is abandoned (its process died) and may be taken.
   */
  claim: { step: string; by: string; until: number } | null;
}

/** A session as read: its revision (0 when absent) for the compare-and-set, and the session when it could be opened. */
export interface LoadedSession {
  revision: number;
  session: UssdSession | null;
  /** A value was there but did not open (another pepper, altered, an older format): it is overwritten as if absent. */
  unreadable: boolean;
}
