import type { InvalidReason, ReplyLanguage } from '@parchee/contracts';
import type { UssdBilingualEnding, UssdEnding, VoterDetails } from '@parchee/replies';

/**
 * Where a citizen is in the *8300# menu: everything the next step needs, and nothing the citizen
 * typed. Plain JSON (no class, no Date, no undefined), so a session store can keep it in Redis
 * as `JSON.stringify(state)` and read it back with `decodeMenuState`. Never the CNIC or the
 * number: the CNIC leaves the menu only in a `lookup` action, and the menu never sees the number.
 * What it does hold after a lookup is the voter's details the result pages show (the same fields
 * as the SMS reply: no name, no address, no CNIC), so "back" can show a page again without a
 * second lookup.
 *
 * `bad` counts the wrong inputs in a row on the current screen; the screen is shown again with
 * a word on what was wrong until the limit, then the dialog ends.
 */
export type MenuState =
  | { v: 1; at: 'language'; bad: number }
  | { v: 1; at: 'main'; lang: ReplyLanguage; bad: number }
  /** Any input leaves the help for the main menu; `bad` stays 0. */
  | { v: 1; at: 'help'; lang: ReplyLanguage; bad: number }
  /** `invalid`: what was wrong with the last CNIC entry, while `bad` > 0. */
  | { v: 1; at: 'cnic'; lang: ReplyLanguage; bad: number; invalid: InvalidReason | null }
  /** A CNIC was entered and the lookup asked for: only a lookup result (or an ending) comes next. */
  | { v: 1; at: 'looking_up'; lang: ReplyLanguage }
  /** The voter's details, page `page` (from 0) of as many as the screen limit makes. */
  | { v: 1; at: 'result'; lang: ReplyLanguage; bad: number; voter: VoterDetails; page: number }
  | { v: 1; at: 'not_found'; lang: ReplyLanguage; bad: number }
  | EndedState;

/** The dialog is over; `lang` is null when it ended before a language was chosen. */
export type EndedState = { v: 1; at: 'ended'; lang: ReplyLanguage; reason: UssdEnding } | { v: 1; at: 'ended'; lang: null; reason: UssdBilingualEnding };

export type MenuScreenName = MenuState['at'];
