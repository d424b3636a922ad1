import type { InvalidReason, ReplyLanguage } from '@parchee/contracts';
import { renderReply, ussdMenuTexts, USSD_BILINGUAL_ENDING, USSD_LANGUAGE_MENU, type VoterDetails } from '@parchee/replies';
import { EXAMPLE_VOTER } from '../testing';
import { UssdMenuError } from '../errors/ussd-menu-error';
import { DEFAULT_SCREEN_LIMITS } from '../screen/screen-limits';
import type { MenuContext } from './menu-context';
import { startMenu, stepMenu } from './menu-machine';
import { minimumScreenLimits, resultPages } from './menu-screens';
import type { MenuState } from './menu-state';
import type { LookupOutcome, MenuEvent, ScreenStep, StepResult } from './menu-step';

const CNIC = '3520212345671';
const LANGS: ReplyLanguage[] = ['ur', 'en'];

/** Feeds events (a string is an input) from `state`, returning every step; stops nowhere, so a test can read each. */
function feed(state: MenuState, events: Array<MenuEvent | string>, context?: MenuContext): StepResult[] {
  const steps: StepResult[] = [];
  for (const e of events) {
    const step = stepMenu(state, typeof e === 'string' ? { kind: 'input', text: e } : e, context);
    steps.push(step);
    state = step.state;
  }
  return steps;
}

function last(steps: StepResult[]): StepResult {
  return steps[steps.length - 1];
}

/** The step that shows a screen (the test's way of saying "this step answered the handset"). */
function shown(step: StepResult): ScreenStep {
  if (step.screen === null) throw new Error(`expected a screen, got a ${step.action.kind} action in ${step.state.at}`);
  return step;
}

const found = (voter: VoterDetails = EXAMPLE_VOTER): MenuEvent => ({ kind: 'lookup_result', outcome: { kind: 'found', voter } });
const outcome = (o: LookupOutcome): MenuEvent => ({ kind: 'lookup_result', outcome: o });

/** The main menu in `lang`, as a dialog with that language remembered starts. */
const mainIn = (lang: ReplyLanguage) => startMenu(lang).state;
/** The CNIC prompt in `lang`. */
const cnicIn = (lang: ReplyLanguage) => shown(stepMenu(mainIn(lang), { kind: 'input', text: '1' })).state;
/** The first result page in `lang` for `voter`. */
const resultIn = (lang: ReplyLanguage, voter: VoterDetails = EXAMPLE_VOTER, context?: MenuContext) =>
  last(feed(cnicIn(lang), [CNIC, found(voter)], context)).state;

describe('the *8300# menu: choosing a language', () => {
  it('asks for the language first, in both, when none is remembered for the number', () => {
    const step = startMenu(null);
    expect(step.state).toEqual({ v: 1, at: 'language', bad: 0 });
    expect(step.screen).toEqual({ text: `${USSD_LANGUAGE_MENU.title}\n1 اردو\n2 English`, end: false });
    expect(step.action).toBeUndefined();
  });

  it.each([
    ['1', 'ur'],
    ['2', 'en'],
    ['۲', 'en'],
    ['٢', 'en'],
    [' 1 ', 'ur'],
  ] as const)('takes %p for %s: the main menu in it, and asks the caller to remember it', (input, lang) => {
    const step = shown(stepMenu(startMenu(null).state, { kind: 'input', text: input }));
    expect(step.state).toEqual({ v: 1, at: 'main', lang, bad: 0 });
    expect(step.screen.text.startsWith(ussdMenuTexts(lang).title)).toBe(true);
    expect(step.action).toEqual({ kind: 'remember_language', lang });
  });

  it.each(LANGS)('starts at the main menu in a remembered %s, asking nothing to be remembered', (lang) => {
    const step = startMenu(lang);
    expect(step.state).toEqual({ v: 1, at: 'main', lang, bad: 0 });
    expect(step.action).toBeUndefined();
  });

  it('says a wrong choice in both languages and ends after the third, in both', () => {
    const steps = feed(startMenu(null).state, ['3', 'x', 'English']).map(shown);
    expect(steps[0].screen.text).toBe(`${USSD_LANGUAGE_MENU.badChoice}\n1 اردو\n2 English`);
    expect(steps[1].state).toEqual({ v: 1, at: 'language', bad: 2 });
    expect(steps[2].state).toEqual({ v: 1, at: 'ended', lang: null, reason: 'bad_inputs' });
    expect(steps[2].screen).toEqual({ text: USSD_BILINGUAL_ENDING.bad_inputs, end: true });
  });
});

describe.each(LANGS)('the *8300# menu in %s', (lang) => {
  const t = ussdMenuTexts(lang);
  const other: ReplyLanguage = lang === 'ur' ? 'en' : 'ur';

  describe('the main menu', () => {
    it('offers checking the vote, help, the other language and exit', () => {
      expect(startMenu(lang).screen.text).toBe(`${t.title}\n1 ${t.option.check}\n2 ${t.option.help}\n3 ${t.option.otherLanguage}\n0 ${t.option.exit}`);
    });

    it('asks for the CNIC on 1', () => {
      const step = shown(stepMenu(mainIn(lang), { kind: 'input', text: '1' }));
      expect(step.state).toEqual({ v: 1, at: 'cnic', lang, bad: 0, invalid: null });
      expect(step.screen).toEqual({ text: `${t.cnicPrompt}\n0 ${t.option.back}`, end: false });
    });

    it('shows the help on 2, and any input there leads back to the main menu', () => {
      const [help, back] = feed(mainIn(lang), ['2', '7']).map(shown);
      expect(help.screen.text).toBe(`${t.help}\n0 ${t.option.back}`);
      expect(back.state).toEqual(mainIn(lang));
    });

    it('switches to the other language on 3 and asks the caller to remember it', () => {
      const step = shown(stepMenu(mainIn(lang), { kind: 'input', text: '3' }));
      expect(step.state).toEqual({ v: 1, at: 'main', lang: other, bad: 0 });
      expect(step.action).toEqual({ kind: 'remember_language', lang: other });
    });

    it('ends the dialog on 0 with a thank-you', () => {
      const step = shown(stepMenu(mainIn(lang), { kind: 'input', text: '0' }));
      expect(step.state).toEqual({ v: 1, at: 'ended', lang, reason: 'exit' });
      expect(step.screen).toEqual({ text: t.ending.exit, end: true });
    });

    it('takes its keys typed in Urdu and Arabic-Indic digits', () => {
      expect(stepMenu(mainIn(lang), { kind: 'input', text: '۱' }).state.at).toBe('cnic');
      expect(stepMenu(mainIn(lang), { kind: 'input', text: '٢' }).state.at).toBe('help');
    });

    it('says a wrong choice with the options again, and forgets it after a right one', () => {
      const [wrong, right] = feed(mainIn(lang), ['5', '2']).map(shown);
      expect(wrong.screen.text).toBe(`${t.badChoice}\n1 ${t.option.check}\n2 ${t.option.help}\n3 ${t.option.otherLanguage}\n0 ${t.option.exit}`);
      expect(wrong.state).toMatchObject({ at: 'main', bad: 1 });
      expect(right.state).toMatchObject({ at: 'help', bad: 0 });
      expect(shown(stepMenu(right.state, { kind: 'input', text: '0' })).state).toEqual({ v: 1, at: 'main', lang, bad: 0 });
    });

    it('ends the dialog after three wrong inputs in a row', () => {
      const steps = feed(mainIn(lang), ['5', '', 'hello']).map(shown);
      expect(steps.map((s) => s.screen.end)).toEqual([false, false, true]);
      expect(steps[2].state).toEqual({ v: 1, at: 'ended', lang, reason: 'bad_inputs' });
      expect(steps[2].screen.text).toBe(t.ending.bad_inputs);
    });

    it('takes its re-prompt limit from the context', () => {
      expect(shown(stepMenu(mainIn(lang), { kind: 'input', text: '5' }, { maxBadInputs: 1 })).screen.end).toBe(true);
      const steps = feed(mainIn(lang), ['5', '5', '5', '5'], { maxBadInputs: 5 }).map(shown);
      expect(steps.map((s) => s.screen.end)).toEqual([false, false, false, false]);
    });
  });

  describe('the CNIC entry', () => {
    it.each([
      ['bare', CNIC],
      ['with dashes', '35202-1234567-1'],
      ['with spaces', '35202 1234567 1'],
      ['with dots and words around it', 'CNIC: 35202.1234567.1'],
      ['in Urdu digits', '۳۵۲۰۲۱۲۳۴۵۶۷۱'],
      ['in Urdu digits with dashes', '۳۵۲۰۲-۱۲۳۴۵۶۷-۱'],
      ['in Arabic-Indic digits', '٣٥٢٠٢١٢٣٤٥٦٧١'],
      ['after a language word, which the menu ignores', 'E 3520212345671'],
    ])('asks for a lookup of a CNIC typed %s, with no screen until its outcome, keeping no CNIC', (_form, typed) => {
      const step = stepMenu(cnicIn(lang), { kind: 'input', text: typed });
      expect(step).toEqual({ state: { v: 1, at: 'looking_up', lang }, screen: null, action: { kind: 'lookup', cnic: CNIC } });
    });

    it.each([
      ['', 'empty'],
      ['my vote', 'no_number'],
      ['35202-1234567', 'wrong_length'],
      ['۸۵۲۰۲۱۲۳۴۵۶۷۱', 'bad_region'],
      ['3520212345671 4210112345672', 'several_numbers'],
    ] as Array<[string, InvalidReason]>)('asks again after %p, saying what was wrong (%s)', (typed, reason) => {
      const step = shown(stepMenu(cnicIn(lang), { kind: 'input', text: typed }));
      expect(step.state).toEqual({ v: 1, at: 'cnic', lang, bad: 1, invalid: reason });
      expect(step.screen).toEqual({ text: `${t.invalidCnic[reason]}\n${t.cnicRetry}\n0 ${t.option.back}`, end: false });
    });

    it('ends the dialog after three wrong CNIC entries in a row', () => {
      const steps = feed(cnicIn(lang), ['123', '1234', '35202']).map(shown);
      expect(steps.map((s) => s.state.at)).toEqual(['cnic', 'cnic', 'ended']);
      expect(steps[2].screen).toEqual({ text: t.ending.bad_inputs, end: true });
    });

    it('still looks a CNIC up after two wrong entries', () => {
      const step = last(feed(cnicIn(lang), ['123', '1234', CNIC]));
      expect(step.action).toEqual({ kind: 'lookup', cnic: CNIC });
    });

    it('goes back to the main menu on 0, typed in any digits', () => {
      for (const zero of ['0', '۰', '٠']) expect(stepMenu(cnicIn(lang), { kind: 'input', text: zero }).state).toEqual(mainIn(lang));
    });

    it('shows the help for a help word', () => {
      expect(stepMenu(cnicIn(lang), { kind: 'input', text: lang === 'ur' ? 'مدد' : 'help' }).state).toMatchObject({ at: 'help', lang });
    });
  });

  describe('the lookup outcome', () => {
    it('shows the first page of the voter details, the same fields as the SMS reply', () => {
      const step = shown(last(feed(cnicIn(lang), [CNIC, found()])));
      expect(step.state).toMatchObject({ at: 'result', lang, page: 0, bad: 0 });
      expect(step.screen.end).toBe(false);
      expect(step.screen.text.startsWith(renderReply({ kind: 'found', voter: EXAMPLE_VOTER }, lang).text.split('\n')[0])).toBe(true);
    });

    it('says when the CNIC is not on the roll, with the helpline, and offers another try or the main menu', () => {
      const notFound = last(feed(cnicIn(lang), [CNIC, outcome({ kind: 'not_found' })]));
      expect(shown(notFound).screen).toEqual({ text: `${t.notFound}\n1 ${t.option.tryAgain}\n0 ${t.option.home}`, end: false });
      expect(stepMenu(notFound.state, { kind: 'input', text: '1' }).state).toEqual({ v: 1, at: 'cnic', lang, bad: 0, invalid: null });
      expect(stepMenu(notFound.state, { kind: 'input', text: '0' }).state).toEqual(mainIn(lang));
      const wrong = shown(stepMenu(notFound.state, { kind: 'input', text: '4' }));
      expect(wrong.screen.text).toBe(`${t.badChoice}\n1 ${t.option.tryAgain}\n0 ${t.option.home}`);
    });

    it.each(['busy', 'rate_limited', 'enumeration'] as const)('ends the dialog on %s with its own last screen', (kind) => {
      const step = shown(last(feed(cnicIn(lang), [CNIC, outcome({ kind })])));
      expect(step.state).toEqual({ v: 1, at: 'ended', lang, reason: kind });
      expect(step.screen).toEqual({ text: t.ending[kind], end: true });
    });

    it('keeps only the fields a reply shows of whatever voter object the caller passes', () => {
      const row = { ...EXAMPLE_VOTER, cnicHash: 'aGFzaA', name: 'someone' } as VoterDetails;
      const step = last(feed(cnicIn(lang), [CNIC, found(row)]));
      expect(step.state).toMatchObject({ at: 'result', voter: EXAMPLE_VOTER });
      expect(JSON.stringify(step.state)).not.toMatch(/cnicHash|someone/);
    });
  });

  describe('the result pages', () => {
    // The example voter fills more than one Urdu page; in English a tighter screen makes it page.
    const context: MenuContext = lang === 'ur' ? {} : { limits: { ...DEFAULT_SCREEN_LIMITS, gsm7: minimumScreenLimits().gsm7 } };
    const pages = resultPages(EXAMPLE_VOTER, lang, context.limits ?? DEFAULT_SCREEN_LIMITS);
    const more = Array<string>(pages.length - 1).fill('1');

    it('has more than one page to turn', () => {
      expect(pages.length).toBeGreaterThan(1);
    });

    it('turns to the last page with "more", each page with its options, and no "more" on the last', () => {
      const steps = [shown(last(feed(cnicIn(lang), [CNIC, found()], context))), ...feed(resultIn(lang, EXAMPLE_VOTER, context), more, context).map(shown)];
      const o = t.option;
      expect(steps.map((s) => s.screen.text)).toEqual(
        pages.map((page, i) => `${page}\n${i < pages.length - 1 ? `1 ${o.more} ` : ''}2 ${o.back} 3 ${o.sms} 0 ${o.home}`),
      );
      expect(steps.map((s) => (s.state.at === 'result' ? s.state.page : -1))).toEqual(pages.map((_p, i) => i));
    });

    it('shows every field of the SMS reply across its pages', () => {
      const sms = renderReply({ kind: 'found', voter: EXAMPLE_VOTER }, lang).text;
      expect(pages.join(' ').split(/\s+/)).toEqual(sms.split(/\s+/));
    });

    it('counts "more" on the last page as a wrong input and shows the page again', () => {
      const atLast = last(feed(resultIn(lang, EXAMPLE_VOTER, context), more, context));
      const again = shown(stepMenu(atLast.state, { kind: 'input', text: '1' }, context));
      expect(again.state).toMatchObject({ at: 'result', page: pages.length - 1, bad: 1 });
      expect(again.screen).toEqual(shown(atLast).screen);
    });

    it('goes back page by page to the first, then to the CNIC entry', () => {
      const back = Array<string>(pages.length).fill('2');
      const steps = feed(resultIn(lang, EXAMPLE_VOTER, context), [...more, ...back], context).map(shown);
      const pagesBack = steps.slice(more.length, -1).map((s) => (s.state.at === 'result' ? s.state.page : -1));
      expect(pagesBack).toEqual(pages.map((_p, i) => pages.length - 2 - i).slice(0, pages.length - 1));
      expect(last(steps).state).toEqual({ v: 1, at: 'cnic', lang, bad: 0, invalid: null });
    });

    it('goes to the main menu from any page with 0', () => {
      const onSecond = last(feed(resultIn(lang, EXAMPLE_VOTER, context), ['1'], context)).state;
      expect(stepMenu(onSecond, { kind: 'input', text: '0' }, context).state).toEqual(mainIn(lang));
    });

    it('sends the SMS reply a citizen would have got by SMS on 3, and ends the dialog saying so', () => {
      const step = shown(stepMenu(resultIn(lang, EXAMPLE_VOTER, context), { kind: 'input', text: '3' }, context));
      expect(step.action).toEqual({ kind: 'send_sms', text: renderReply({ kind: 'found', voter: EXAMPLE_VOTER }, lang).text, replyKind: 'found', lang });
      expect(step.state).toEqual({ v: 1, at: 'ended', lang, reason: 'sms_sent' });
      expect(step.screen).toEqual({ text: t.ending.sms_sent, end: true });
    });

    it('ends the dialog after three wrong inputs on a page', () => {
      const steps = feed(resultIn(lang, EXAMPLE_VOTER, context), ['7', '8', '9'], context).map(shown);
      expect(steps.map((s) => s.screen.end)).toEqual([false, false, true]);
    });
  });

  describe('endings the caller feeds', () => {
    const states: Array<[string, MenuState]> = [
      ['the main menu', mainIn(lang)],
      ['the CNIC entry', cnicIn(lang)],
      ['a lookup in flight', { v: 1, at: 'looking_up', lang }],
      ['a result page', resultIn(lang)],
    ];

    it.each(states)('ends on an abort in %s, with a screen for transports that answer one', (_name, state) => {
      expect(shown(stepMenu(state, { kind: 'abort' }))).toEqual({
        state: { v: 1, at: 'ended', lang, reason: 'abort' },
        screen: { text: t.ending.abort, end: true },
      });
    });

    it.each(states)('ends on a timeout in %s', (_name, state) => {
      expect(shown(stepMenu(state, { kind: 'timeout' })).screen).toEqual({ text: t.ending.timeout, end: true });
    });
  });
});

describe('the *8300# menu before a language is chosen', () => {
  it.each(['abort', 'timeout'] as const)('ends on %s in both languages', (kind) => {
    expect(shown(stepMenu(startMenu(null).state, { kind }))).toEqual({
      state: { v: 1, at: 'ended', lang: null, reason: kind },
      screen: { text: USSD_BILINGUAL_ENDING[kind], end: true },
    });
  });
});

describe('what the menu assumes of its caller', () => {
  it('gives the same result for the same state, event and context: a replayed step can be answered again unchanged', () => {
    const state = resultIn('ur');
    expect(stepMenu(state, { kind: 'input', text: '1' })).toEqual(stepMenu(state, { kind: 'input', text: '1' }));
    expect(stepMenu(cnicIn('en'), { kind: 'input', text: CNIC })).toEqual(stepMenu(cnicIn('en'), { kind: 'input', text: CNIC }));
  });

  it('applies an event fed twice twice: de-duplicating replayed steps is the caller’s job', () => {
    const steps = feed(resultIn('ur'), ['1', '1']);
    expect(steps.map((s) => (s.state.at === 'result' ? s.state.page : -1))).toEqual([1, 2]);
  });

  it('reads an input that reaches a stored lookup-in-flight state as the CNIC entry again', () => {
    expect(stepMenu({ v: 1, at: 'looking_up', lang: 'en' }, { kind: 'input', text: '35202-1234567-1' }).action).toEqual({ kind: 'lookup', cnic: CNIC });
    expect(stepMenu({ v: 1, at: 'looking_up', lang: 'en' }, { kind: 'input', text: '12' }).state).toMatchObject({ at: 'cnic', bad: 1 });
  });

  it('answers every event after the end with the last screen and no action', () => {
    const endedState: MenuState = { v: 1, at: 'ended', lang: 'en', reason: 'exit' };
    for (const event of [{ kind: 'input', text: '1' }, { kind: 'abort' }, { kind: 'timeout' }, found()] as MenuEvent[]) {
      expect(stepMenu(endedState, event)).toEqual({ state: endedState, screen: { text: ussdMenuTexts('en').ending.exit, end: true } });
    }
  });

  it('refuses a lookup result it did not ask for', () => {
    for (const state of [startMenu(null).state, mainIn('ur'), cnicIn('en'), resultIn('en')]) {
      expect(() => stepMenu(state, found())).toThrow(expect.objectContaining({ code: 'UNEXPECTED_MENU_EVENT', retriable: false }));
    }
  });

  it('refuses screen limits its fixed screens do not fit, and re-prompt limits below one', () => {
    const min = minimumScreenLimits();
    expect(() => startMenu(null, { limits: { gsm7: min.gsm7, ucs2: min.ucs2 - 1 } })).toThrow(UssdMenuError);
    expect(() => startMenu(null, { limits: { gsm7: min.gsm7 - 1, ucs2: min.ucs2 } })).toThrow(UssdMenuError);
    expect(() => startMenu(null, { limits: { gsm7: 182.5, ucs2: 80 } })).toThrow(UssdMenuError);
    expect(() => startMenu(null, { maxBadInputs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_MENU_OPTIONS' }));
    expect(startMenu(null, { limits: min }).state.at).toBe('language');
  });

  it('works with the default limits of 182 GSM 7-bit and 80 UCS-2 characters', () => {
    const min = minimumScreenLimits();
    expect(min.gsm7).toBeLessThanOrEqual(182);
    expect(min.ucs2).toBeLessThanOrEqual(80);
  });
});
