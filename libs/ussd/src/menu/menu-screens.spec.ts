import type { ReplyLanguage } from '@parchee/contracts';
import type { VoterDetails } from '@parchee/replies';
import { longestGeographyValues } from '@parchee/roll';
import { gsm7SeptetCount } from '@parchee/smpp';
import { EXAMPLE_VOTER } from '../testing';
import { DEFAULT_SCREEN_LIMITS, type ScreenLimits } from '../screen/screen-limits';
import type { MenuContext } from './menu-context';
import { startMenu, stepMenu } from './menu-machine';
import { minimumScreenLimits } from './menu-screens';
import type { MenuState } from './menu-state';
import type { MenuEvent, Screen, StepResult } from './menu-step';

const longest = longestGeographyValues();
/** The widest voter the generator's tables allow: longest names and seats, widest numbers. */
const WIDEST: VoterDetails = { ...EXAMPLE_VOTER, ...longest, blockCode: '999999999', serialNo: 999_999, familyNo: 99_999, stationNo: 9999 };
/** A station typed in a word processor (’ – and a no-break space) and one with a letter outside the GSM alphabet. */
const TYPED: VoterDetails = { ...EXAMPLE_VOTER, stationEn: 'Govt. Girls\u2019 Higher Secondary School No.\u00a02 \u2013 Gulberg III' };
const NON_GSM: VoterDetails = { ...EXAMPLE_VOTER, stationEn: 'Govt. Boys School Kōt Lakhpat' };
/** Islamabad: no provincial seat. */
const NO_PA: VoterDetails = { ...EXAMPLE_VOTER, pa: null };

const INPUTS = ['1', '2', '3', '0', '9', '', 'x', '۱', '٢', '3520212345671', '35202-1234567-1', '123', '8520212345671', 'مدد'];
const OUTCOMES: MenuEvent[] = [
  ...[EXAMPLE_VOTER, WIDEST, TYPED, NON_GSM, NO_PA].map((voter): MenuEvent => ({ kind: 'lookup_result', outcome: { kind: 'found', voter } })),
  ...(['not_found', 'busy', 'rate_limited', 'enumeration'] as const).map((kind): MenuEvent => ({ kind: 'lookup_result', outcome: { kind } })),
];

interface Reached {
  state: MenuState;
  screen: Screen;
}

/**
 * Every state and screen a dialog can reach from each start (no language, Urdu, English remembered)
 * with these inputs, every lookup outcome and both endings: the menu explored, not a list of
 * screens written beside it.
 */
function explore(context: MenuContext): Reached[] {
  const seen = new Map<string, Reached>();
  const queue: StepResult[] = [startMenu(null, context), startMenu('ur', context), startMenu('en', context)];
  while (queue.length > 0) {
    const step = queue.shift() as StepResult;
    if (step.screen === null) {
      for (const event of OUTCOMES) queue.push(stepMenu(step.state, event, context));
      continue;
    }
    const key = JSON.stringify(step.state);
    if (seen.has(key)) continue;
    // A few hundred states at most; a menu that pages or counts without end must fail, not hang.
    if (seen.size >= 5000) throw new Error('the menu reaches more than 5,000 states');
    seen.set(key, { state: step.state, screen: step.screen });
    if (step.screen.end) continue;
    for (const text of INPUTS) queue.push(stepMenu(step.state, { kind: 'input', text }, context));
    for (const kind of ['abort', 'timeout'] as const) queue.push(stepMenu(step.state, { kind }, context));
  }
  return [...seen.values()];
}

/** The screen's length in its alphabet and whether it is within that alphabet's limit. */
function measured(text: string, limits: ScreenLimits): { alphabet: string; length: number; within: boolean } {
  const septets = gsm7SeptetCount(text);
  return septets >= 0
    ? { alphabet: 'gsm7', length: septets, within: septets <= limits.gsm7 }
    : { alphabet: 'ucs2', length: text.length, within: text.length <= limits.ucs2 };
}

const cases: Array<[string, ScreenLimits]> = [
  ['the default 182 GSM 7-bit / 80 UCS-2', DEFAULT_SCREEN_LIMITS],
  ['the smallest the menu accepts', minimumScreenLimits()],
  ['a roomier link (200 / 100)', { gsm7: 200, ucs2: 100 }],
];

describe.each(cases)('every screen of the menu with %s limits', (_name, limits) => {
  const reached = explore({ limits });

  it('reaches every kind of screen, in both languages, and every ending', () => {
    const kinds = new Set(reached.map((r) => r.state.at));
    expect([...kinds].sort()).toEqual(['ended', 'help', 'language', 'main', 'not_found', 'cnic', 'result'].sort());
    const endings = new Set(reached.flatMap((r) => (r.state.at === 'ended' ? [`${r.state.lang}:${r.state.reason}`] : [])));
    for (const lang of ['ur', 'en'] as ReplyLanguage[]) {
      for (const reason of ['exit', 'abort', 'timeout', 'bad_inputs', 'sms_sent', 'busy', 'rate_limited', 'enumeration'])
        expect(endings).toContain(`${lang}:${reason}`);
    }
    for (const reason of ['abort', 'timeout', 'bad_inputs']) expect(endings).toContain(`null:${reason}`);
  });

  it('fits each screen within the limit of its alphabet, extension characters counting two', () => {
    const over = reached.map((r) => ({ at: r.state.at, text: r.screen.text, ...measured(r.screen.text, limits) })).filter((m) => !m.within);
    expect(over).toEqual([]);
  });

  it('shows English screens in GSM 7-bit, look-alikes included, and Urdu ones in UCS-2', () => {
    const alphabets = reached.flatMap(({ state, screen }) => {
      if (state.at === 'language' || (state.at === 'ended' && state.lang === null)) return [];
      // A station with a letter outside the GSM alphabet is the one English text that needs UCS-2.
      if (state.at === 'result' && state.lang === 'en' && state.voter.stationEn === NON_GSM.stationEn) return [];
      const expected = state.lang === 'en' ? 'gsm7' : 'ucs2';
      const alphabet = measured(screen.text, limits).alphabet;
      return alphabet === expected ? [] : [{ at: state.at, lang: state.lang, text: screen.text }];
    });
    expect(alphabets).toEqual([]);
  });

  it('pages the widest voter in both languages, every page with its options', () => {
    for (const lang of ['ur', 'en'] as const) {
      const pages = reached.filter(
        (r) => r.state.at === 'result' && r.state.lang === lang && r.state.voter.blockCode === WIDEST.blockCode && r.state.bad === 0,
      );
      expect(pages.length).toBeGreaterThan(0);
      for (const { screen } of pages) expect(screen.text.split('\n').pop()).toMatch(/2 \S+ 3 .+ 0 \S+$/);
    }
  });
});

describe('screen limits per call', () => {
  it('makes fewer result pages on a roomier screen and more on a tighter one', () => {
    const pagesOf = (limits: ScreenLimits) =>
      explore({ limits }).filter((r) => r.state.at === 'result' && r.state.lang === 'ur' && r.state.voter.blockCode === WIDEST.blockCode && r.state.bad === 0)
        .length;
    const tight = pagesOf(minimumScreenLimits());
    const usual = pagesOf(DEFAULT_SCREEN_LIMITS);
    const roomy = pagesOf({ gsm7: 182, ucs2: 140 });
    expect(tight).toBeGreaterThanOrEqual(usual);
    expect(usual).toBeGreaterThan(roomy);
  });
});
