import type { ReplyLanguage } from '@parchee/contracts';
import type { UssdOption } from '@parchee/replies';
import { normaliseDigits } from '@parchee/requests';

/**
 * The key a citizen types for each option, per screen, in the order shown. One table for what
 * the screens say and what the machine understands, so they cannot disagree. "0" always leads
 * away (exit, back, the main menu), as on most USSD services.
 */
export const MENU_KEYS = {
  language: [
    ['1', 'ur'],
    ['2', 'en'],
  ],
  main: [
    ['1', 'check'],
    ['2', 'help'],
    ['3', 'otherLanguage'],
    ['0', 'exit'],
  ],
  help: [['0', 'back']],
  cnic: [['0', 'back']],
  /** One line below each result page; `more` only where there is a next page. */
  result: [
    ['1', 'more'],
    ['2', 'back'],
    ['3', 'sms'],
    ['0', 'home'],
  ],
  not_found: [
    ['1', 'tryAgain'],
    ['0', 'home'],
  ],
} as const satisfies Record<string, ReadonlyArray<readonly [string, UssdOption | ReplyLanguage]>>;

export type MenuWithKeys = keyof typeof MENU_KEYS;
export type MenuChoice<M extends MenuWithKeys> = (typeof MENU_KEYS)[M][number][1];

/** Invisible direction and joiner marks an Urdu keyboard may put around what was typed. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/**
 * The option an input picks on menu `menu`, or null when it picks none. Urdu (۱) and
 * Arabic-Indic (١) digits count as the same keys, as they do in a CNIC.
 */
export function choiceOf<M extends MenuWithKeys>(menu: M, input: string): MenuChoice<M> | null {
  const typed = normaliseDigits(input).replace(INVISIBLE, '').trim();
  const entry = (MENU_KEYS[menu] as ReadonlyArray<readonly [string, MenuChoice<M>]>).find(([key]) => key === typed);
  return entry ? entry[1] : null;
}
