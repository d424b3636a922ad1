import type { ReplyKind, ReplyLanguage } from '@parchee/contracts';
import type { ReplyInput } from '@parchee/replies';
import type { MenuState } from './menu-state';

/** What the handset shows: the text, and whether the dialog ends with it (no input awaited). */
export interface Screen {
  text: string;
  end: boolean;
}

/**
 * What a lookup came to, as lookup's pipeline decides it for an SMS: the voter's details, not on
 * the roll, refused by the per-number limits or anti-enumeration, or busy (the roll unavailable).
 */
export type LookupOutcome = Extract<ReplyInput, { kind: 'found' | 'not_found' | 'busy' | 'rate_limited' | 'enumeration' }>;

/** What happened since the last step, as the caller feeds it. */
export type MenuEvent =
  /** The citizen's answer to the screen shown (the latest input only, not a transport's whole path). */
  | { kind: 'input'; text: string }
  /** The outcome of the lookup the last step asked for. */
  | { kind: 'lookup_result'; outcome: LookupOutcome }
  /** The network or the handset ended the dialog. */
  | { kind: 'abort' }
  /** The session's time ran out with no answer. */
  | { kind: 'timeout' };

/** Look this CNIC up (with the same protection as an SMS lookup) and feed the outcome back. The only place the CNIC goes. */
export interface LookupAction {
  kind: 'lookup';
  /** 13 ASCII digits, as the SMS parser reads them. */
  cnic: string;
}

/** Send the citizen this reply by SMS, through the normal egress path. */
export interface SendSmsAction {
  kind: 'send_sms';
  text: string;
  replyKind: ReplyKind;
  lang: ReplyLanguage;
}

/** Remember this number's language (as a keyed hash of the number) for its next dialog. */
export interface RememberLanguageAction {
  kind: 'remember_language';
  lang: ReplyLanguage;
}

export type MenuAction = LookupAction | SendSmsAction | RememberLanguageAction;

/** A step that answers the handset: store `state`, perform `action` if any, show `screen`. */
export interface ScreenStep {
  state: MenuState;
  screen: Screen;
  action?: SendSmsAction | RememberLanguageAction;
}

/**
 * A step that needs a lookup before it can answer: perform it and feed the outcome to `state` as
 * a `lookup_result` in the same network step. There is no screen to show yet.
 */
export interface LookupStep {
  state: MenuState;
  screen: null;
  action: LookupAction;
}

export type StepResult = ScreenStep | LookupStep;
