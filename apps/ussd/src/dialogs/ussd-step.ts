import type { UssdTransport } from '../sessions/ussd-session';

/** What a transport hands over for one network step of a dialog. */
export type UssdEvent =
  /** The citizen dialled *8300#: a dialog begins (SMPP: a PSSR indication; HTTP: a request with empty `text`). */
  | { kind: 'begin' }
  /** The citizen's answer to the screen shown: the latest input only. */
  | { kind: 'input'; text: string }
  /** The network or the handset ended the dialog. */
  | { kind: 'abort' }
  /** The network's session timed out waiting for the citizen. */
  | { kind: 'timeout' };

export interface UssdStepRequest {
  /** Operator link id, from our own configuration. */
  operator: string;
  transport: UssdTransport;
  /**
   * The transport's session id (SMPP: its_session_info's session number, or whatever the link's
   * vendor profile keys a dialog by, possibly the number itself; HTTP: the gateway's `sessionId`).
   * Only its keyed hash is kept.
   */
  sessionId: string;
  /** Normalised MSISDN (923001234567); in clear in memory only, for this step. */
  msisdn: string;
  /**
   * The transport's id of this network step: the same when the network sends the step again, another
   * for the next one (SMPP: its_session_info's sequence number; HTTP: how many inputs `text`
   * holds). With the event, it tells a replay from a new step.
   */
  stepId: string;
  event: UssdEvent;
  /** When the step arrived, epoch ms; default now. */
  receivedAt?: number;
}

/** What the transport shows the citizen: the screen, and whether the dialog ends with it. */
export interface UssdAnswer {
  text: string;
  end: boolean;
}

/** How a step was answered, for parchee_ussd_steps_total. */
export type UssdStepResult = 'answered' | 'replayed' | 'busy';

/** How a dialog ended, for parchee_ussd_sessions_ended_total. */
export type UssdSessionEnd = 'completed' | 'aborted' | 'timed_out';
