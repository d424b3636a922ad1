import type { ReplyLanguage } from '@parchee/contracts';
import type { VoterDetails } from '@parchee/replies';
import { longestGeographyValues } from '@parchee/roll';
import { DEFAULT_SCREEN_LIMITS, screenSize, type ScreenLimits } from '../screen/screen-limits';
import { startMenu, stepMenu } from '../menu/menu-machine';
import { minimumScreenLimits } from '../menu/menu-screens';
import type { MenuState } from '../menu/menu-state';
import type { LookupOutcome, MenuEvent, StepResult } from '../menu/menu-step';
import { EXAMPLE_VOTER } from './example-voter';

/** Where the generated screens sit in docs/requests-and-replies.md. */
export const MENU_SCREENS_BEGIN =
  '<!-- menu-screens: generated from libs/ussd by `node -r @swc-node/register tools/docs/menu-screens.ts`; edit the code, not this -->';
export const MENU_SCREENS_END = '<!-- /menu-screens -->';

/** The example voter with the longest place names and seats the roll generator writes, so the pages turn in both languages. */
export function docsVoter(): VoterDetails {
  return { ...EXAMPLE_VOTER, ...longestGeographyValues() };
}

const LANGUAGE_NAME: Record<ReplyLanguage, string> = { ur: 'Urdu', en: 'English' };

function cell(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`)
    .split('\n')
    .join('<br>');
}

function size(text: string, limits: ScreenLimits): string {
  const { alphabet, length, limit } = screenSize(text, limits);
  return `${length}/${limit} ${alphabet === 'gsm7' ? 'GSM' : 'UCS-2'}`;
}

/** What the citizen typed (or what happened), as a table cell. */
function typed(event: MenuEvent | null): string {
  if (event === null) return 'dials \\*8300#';
  switch (event.kind) {
    case 'input':
      return event.text === '' ? '(nothing)' : `\`${event.text}\``;
    case 'lookup_result':
      return `lookup: ${event.outcome.kind}`;
    default:
      return `(${event.kind})`;
  }
}

interface Row {
  event: MenuEvent | null;
  step: StepResult;
}

/** Runs events from a state; a lookup step is completed with `outcome` in the same row, as the caller would. */
function run(first: StepResult, events: MenuEvent[], outcome: LookupOutcome): Row[] {
  const rows: Row[] = [{ event: null, step: first }];
  let state = first.state;
  for (const event of events) {
    let step = stepMenu(state, event);
    if (step.screen === null) step = stepMenu(step.state, { kind: 'lookup_result', outcome });
    rows.push({ event, step });
    state = step.state;
  }
  return rows;
}

function dialogTable(rows: Row[]): string[] {
  const out = ['| typed | screen | length |', '|---|---|---|'];
  for (const { event, step } of rows) {
    if (step.screen === null) continue;
    const end = step.screen.end ? ' (ends)' : '';
    const action = step.action ? ` → ${step.action.kind === 'send_sms' ? 'sends the SMS reply' : `remembers ${LANGUAGE_NAME[step.action.lang]}`}` : '';
    out.push(`| ${typed(event)}${action} | ${cell(step.screen.text)} | ${size(step.screen.text, DEFAULT_SCREEN_LIMITS)}${end} |`);
  }
  return out;
}

const input = (text: string): MenuEvent => ({ kind: 'input', text });

/** How many result pages "more" turns through from the first, up to a bound a broken menu cannot loop past. */
function pageCount(first: MenuState): number {
  let state = first;
  for (let pages = 1; pages <= 50; pages++) {
    const next = stepMenu(state, input('1'));
    if (next.state.at !== 'result' || next.state.bad > 0) return pages;
    state = next.state;
  }
  throw new Error('"more" never reached a last page');
}

/** One screen reached from `state` by `event`, for the table of other screens. */
function screenAfter(state: MenuState, event: MenuEvent): string {
  const step = stepMenu(state, event);
  if (step.screen === null) throw new Error('a screen was expected');
  return step.screen.text;
}

/**
 * The menu's screens as the code renders them with the default limits, for
 * docs/requests-and-replies.md: a whole dialog in each language and every other screen.
 */
export function menuScreensMarkdown(): string {
  const voter = docsVoter();
  const found: LookupOutcome = { kind: 'found', voter };
  const out: string[] = [MENU_SCREENS_BEGIN, ''];
  const min = minimumScreenLimits();
  out.push(
    `Screens below at the default limits (${DEFAULT_SCREEN_LIMITS.gsm7} GSM 7-bit, ${DEFAULT_SCREEN_LIMITS.ucs2} UCS-2); the smallest limits the menu accepts are ${min.gsm7} and ${min.ucs2}, its longest fixed screens (\`minimumScreenLimits()\`). The voter is the example voter with the longest place names the roll generator writes.`,
    '',
  );

  out.push('#### First screen, when no language is remembered for the number', '');
  const languageRows = run(startMenu(null), [input('5'), input('2')], found);
  out.push(...dialogTable(languageRows), '');

  for (const lang of ['ur', 'en'] as const) {
    const cnic = lang === 'ur' ? '۳۵۲۰۲-۱۲۳۴۵۶۷-۱' : '35202-1234567-1';
    const events = [input('2'), input('0'), input('1'), input('35202-123456'), input(cnic)];
    // Every page, then back to the first, then the SMS.
    const probe = run(startMenu(lang), events, found);
    const resultState = probe[probe.length - 1].step.state;
    const pages = pageCount(resultState);
    const turns = [...Array<MenuEvent>(pages - 1).fill(input('1')), ...Array<MenuEvent>(pages - 1).fill(input('2')), input('3')];
    out.push(`#### A dialog in ${LANGUAGE_NAME[lang]}, with the language remembered`, '');
    out.push(...dialogTable(run(startMenu(lang), [...events, ...turns], found)), '');
  }

  out.push('#### Every other screen', '', '| screen | Urdu | English |', '|---|---|---|');
  const row = (name: string, render: (lang: ReplyLanguage) => string) => {
    const [ur, en] = (['ur', 'en'] as const).map(render);
    out.push(`| ${name} | ${cell(ur)}<br>(${size(ur, DEFAULT_SCREEN_LIMITS)}) | ${cell(en)}<br>(${size(en, DEFAULT_SCREEN_LIMITS)}) |`);
  };
  const main = (lang: ReplyLanguage): MenuState => startMenu(lang).state;
  const cnicEntry = (lang: ReplyLanguage): MenuState => stepMenu(main(lang), input('1')).state;
  const looking = (lang: ReplyLanguage): MenuState => ({ v: 1, at: 'looking_up', lang });
  const outcome = (lang: ReplyLanguage, o: LookupOutcome) => screenAfter(looking(lang), { kind: 'lookup_result', outcome: o });
  row('main menu after a wrong choice', (lang) => screenAfter(main(lang), input('7')));
  const mistakes: Array<[string, string]> = [
    ['nothing typed', ''],
    ['no number', 'vote'],
    ['wrong length', '12345'],
    ['impossible first digit', '8520212345671'],
    ['two numbers', '3520212345671 4210112345672'],
  ];
  for (const [name, text] of mistakes) row(`CNIC entry again: ${name}`, (lang) => screenAfter(cnicEntry(lang), input(text)));
  row('not on the roll', (lang) => outcome(lang, { kind: 'not_found' }));
  row('not on the roll, after a wrong choice', (lang) =>
    screenAfter(stepMenu(looking(lang), { kind: 'lookup_result', outcome: { kind: 'not_found' } }).state, input('7')),
  );
  row('busy (ends)', (lang) => outcome(lang, { kind: 'busy' }));
  row('refused: the number reached its limit (ends)', (lang) => outcome(lang, { kind: 'rate_limited' }));
  row('refused: too many different CNICs (ends)', (lang) => outcome(lang, { kind: 'enumeration' }));
  row('exit (ends)', (lang) => screenAfter(main(lang), input('0')));
  row('third wrong input in a row (ends)', (lang) => screenAfter(stepMenu(stepMenu(main(lang), input('7')).state, input('8')).state, input('9')));
  row('aborted by the network or handset (ends)', (lang) => screenAfter(main(lang), { kind: 'abort' }));
  row('timed out (ends)', (lang) => screenAfter(main(lang), { kind: 'timeout' }));
  const first = startMenu(null).state;
  const bilingual = (name: string, event: MenuEvent | MenuEvent[]) => {
    const events = Array.isArray(event) ? event : [event];
    let state = first;
    let text = '';
    for (const e of events) {
      const step = stepMenu(state, e);
      state = step.state;
      text = step.screen?.text ?? '';
    }
    out.push(`| ${name}, before a language is chosen (ends) | ${cell(text)}<br>(${size(text, DEFAULT_SCREEN_LIMITS)}) | (the same) |`);
  };
  bilingual('aborted', { kind: 'abort' });
  bilingual('timed out', { kind: 'timeout' });
  bilingual('third wrong input', [input('7'), input('8'), input('9')]);
  out.push('', MENU_SCREENS_END);
  return out.join('\n');
}
