import type { InvalidReason, ReplyLanguage } from '@parchee/contracts';
import { renderReply, USSD_BILINGUAL_ENDING, USSD_LANGUAGE_MENU, ussdMenuTexts, type UssdEnding, type VoterDetails } from '@parchee/replies';
import { pageText, withFooter } from '../screen/pager';
import { asSent, screenSize, type ScreenLimits } from '../screen/screen-limits';
import { MENU_KEYS } from './menu-keys';
import type { ResolvedMenuContext } from './menu-context';
import type { EndedState, MenuState } from './menu-state';
import type { Screen } from './menu-step';

const LANGUAGES: readonly ReplyLanguage[] = ['ur', 'en'];

/** One option per line: "1 Check my vote". */
function optionLines(options: ReadonlyArray<readonly [string, string]>): string {
  return options.map(([key, label]) => `${key} ${label}`).join('\n');
}

function labelled<K extends string>(options: ReadonlyArray<readonly [string, K]>, labels: Record<K, string>): Array<[string, string]> {
  return options.map(([key, option]) => [key, labels[option]]);
}

function lines(...parts: string[]): string {
  return parts.join('\n');
}

function shown(text: string, end = false): Screen {
  return { text: asSent(text), end };
}

/**
 * The options below a result page, on one line to leave the page the room: "1 More 2 Back 3 SMS me
 * 0 Menu". `more` only where there is a next page; pages are measured with it.
 */
function resultFooter(lang: ReplyLanguage, withMore: boolean): string {
  const { option } = ussdMenuTexts(lang);
  return labelled(
    MENU_KEYS.result.filter(([, o]) => withMore || o !== 'more'),
    option,
  )
    .map(([key, label]) => `${key} ${label}`)
    .join(' ');
}

/** The voter's details as the SMS reply says them, cut into pages that fit a screen with the options below. */
export function resultPages(voter: VoterDetails, lang: ReplyLanguage, limits: ScreenLimits): string[] {
  return pageText(renderReply({ kind: 'found', voter }, lang).text, resultFooter(lang, true), limits);
}

function endingText(state: EndedState): string {
  return state.lang === null ? USSD_BILINGUAL_ENDING[state.reason] : ussdMenuTexts(state.lang).ending[state.reason];
}

function cnicText(lang: ReplyLanguage, invalid: InvalidReason | null): string {
  const t = ussdMenuTexts(lang);
  return invalid === null ? t.cnicPrompt : lines(t.invalidCnic[invalid], t.cnicRetry);
}

/**
 * The screen a state shows, or null for `looking_up`, which shows nothing until its lookup
 * outcome is fed. A pure function of the state and the context: a step's screen is always
 * `renderScreen(step.state)`, so a stored state shows the same screen again.
 */
export function renderScreen(state: MenuState, context: ResolvedMenuContext): Screen | null {
  switch (state.at) {
    // A wrong input shows what was wrong and the options again, not the text above them, which the
    // citizen has just read: an Urdu screen has no room for all three.
    case 'language': {
      const m = USSD_LANGUAGE_MENU;
      return shown(lines(state.bad > 0 ? m.badChoice : m.title, optionLines(labelled(MENU_KEYS.language, m.option))));
    }
    case 'main': {
      const t = ussdMenuTexts(state.lang);
      return shown(lines(state.bad > 0 ? t.badChoice : t.title, optionLines(labelled(MENU_KEYS.main, t.option))));
    }
    case 'help': {
      const t = ussdMenuTexts(state.lang);
      return shown(lines(t.help, optionLines(labelled(MENU_KEYS.help, t.option))));
    }
    case 'cnic': {
      const t = ussdMenuTexts(state.lang);
      return shown(lines(cnicText(state.lang, state.bad > 0 ? state.invalid : null), optionLines(labelled(MENU_KEYS.cnic, t.option))));
    }
    case 'looking_up':
      return null;
    case 'result': {
      // A wrong input shows the page again as it was: a word above it would not fit a full page.
      const pages = resultPages(state.voter, state.lang, context.limits);
      const page = Math.min(state.page, pages.length - 1);
      return shown(withFooter(pages[page], resultFooter(state.lang, page < pages.length - 1)));
    }
    case 'not_found': {
      const t = ussdMenuTexts(state.lang);
      return shown(lines(state.bad > 0 ? t.badChoice : t.notFound, optionLines(labelled(MENU_KEYS.not_found, t.option))));
    }
    case 'ended':
      return shown(endingText(state), true);
  }
}

const ENDINGS: readonly UssdEnding[] = ['exit', 'abort', 'timeout', 'bad_inputs', 'sms_sent', 'busy', 'rate_limited', 'enumeration'];
const INVALID_REASONS: readonly InvalidReason[] = ['empty', 'no_number', 'wrong_length', 'bad_region', 'several_numbers'];

/**
 * Every state whose screen does not depend on a voter's details, each way it can be shown (with
 * and without the word on a wrong input, each CNIC mistake, each ending): the screens that set
 * the smallest limits the menu can work with.
 */
export function fixedScreenStates(): MenuState[] {
  const states: MenuState[] = [
    { v: 1, at: 'language', bad: 0 },
    { v: 1, at: 'language', bad: 1 },
  ];
  for (const bilingual of Object.keys(USSD_BILINGUAL_ENDING) as Array<keyof typeof USSD_BILINGUAL_ENDING>) {
    states.push({ v: 1, at: 'ended', lang: null, reason: bilingual });
  }
  for (const lang of LANGUAGES) {
    states.push({ v: 1, at: 'help', lang, bad: 0 });
    for (const bad of [0, 1]) states.push({ v: 1, at: 'main', lang, bad }, { v: 1, at: 'not_found', lang, bad });
    states.push({ v: 1, at: 'cnic', lang, bad: 0, invalid: null });
    for (const invalid of INVALID_REASONS) states.push({ v: 1, at: 'cnic', lang, bad: 1, invalid });
    for (const reason of ENDINGS) states.push({ v: 1, at: 'ended', lang, reason });
  }
  return states;
}

let minimum: ScreenLimits | undefined;

/**
 * The smallest screen limits the menu works with: its longest fixed screen in each alphabet
 * (English ones are GSM 7-bit, Urdu and bilingual ones UCS-2), and room for a result page's
 * options and one character.
 */
export function minimumScreenLimits(): ScreenLimits {
  if (minimum) return minimum;
  const unlimited: ResolvedMenuContext = { limits: { gsm7: Number.MAX_SAFE_INTEGER, ucs2: Number.MAX_SAFE_INTEGER }, maxBadInputs: 1 };
  const found: ScreenLimits = { gsm7: 0, ucs2: 0 };
  const texts = fixedScreenStates().map((s) => (renderScreen(s, unlimited) as Screen).text);
  for (const lang of LANGUAGES) texts.push(asSent(withFooter('x', resultFooter(lang, true))));
  for (const text of texts) {
    const { alphabet, length } = screenSize(text, unlimited.limits);
    found[alphabet] = Math.max(found[alphabet], length);
  }
  minimum = Object.freeze(found);
  return minimum;
}
