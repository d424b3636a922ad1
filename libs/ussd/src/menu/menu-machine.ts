import type { ReplyLanguage } from '@parchee/contracts';
import { renderReply, type VoterDetails } from '@parchee/replies';
import { parseRequest } from '@parchee/requests';
import { UssdMenuError } from '../errors/ussd-menu-error';
import { resolveMenuContext, type MenuContext, type ResolvedMenuContext } from './menu-context';
import { choiceOf } from './menu-keys';
import { renderScreen, resultPages } from './menu-screens';
import type { MenuState } from './menu-state';
import type { LookupOutcome, MenuEvent, RememberLanguageAction, Screen, ScreenStep, SendSmsAction, StepResult } from './menu-step';

/*
 * The *8300# menu as a pure state machine: no I/O, no clock, no randomness. What it assumes of
 * its caller (the session service that holds dialogs):
 *
 * - Deterministic: the same state, event and context always give the same result, so a replayed
 *   network step can be answered again from the stored answer (or the state before it) unchanged.
 * - No de-duplication of its own: every event fed is applied once more. A replayed step must be
 *   recognised by the caller (by the transport's session and sequence) and answered from what it
 *   stored, not fed again: "1 More" fed twice turns two pages, and a CNIC fed twice is two lookups.
 * - A step with a `lookup` action and no screen is completed in the same network step: the caller
 *   looks the CNIC up and feeds exactly one `lookup_result` to that step's state, and stores and
 *   shows only the step that answers. If a `looking_up` state is stored anyway (a crash between
 *   the two) and an input arrives, the input is read as a CNIC entry again, which is what a
 *   retried network step carries.
 * - An ended dialog answers every further event with its last screen and no action, so a late
 *   lookup result, a duplicated abort or a timeout after the end are harmless.
 * - A lookup result fed to any other state is a caller's bug: UNEXPECTED_MENU_EVENT.
 */

/**
 * The first screen of a dialog: the language menu, or the main menu in the language remembered
 * for this number (kept by the caller as a keyed hash of it, and offered here, never the number).
 */
export function startMenu(rememberedLanguage: ReplyLanguage | null, context?: MenuContext): ScreenStep {
  const ctx = resolveMenuContext(context);
  return show(rememberedLanguage === null ? { v: 1, at: 'language', bad: 0 } : { v: 1, at: 'main', lang: rememberedLanguage, bad: 0 }, ctx);
}

/** The next state, what to show and what to do, for one event in state `state`. */
export function stepMenu(state: MenuState, event: MenuEvent, context?: MenuContext): StepResult {
  const ctx = resolveMenuContext(context);
  if (state.at === 'ended') return show(state, ctx);
  switch (event.kind) {
    case 'abort':
    case 'timeout':
      return show(ended(state, event.kind), ctx);
    case 'lookup_result':
      if (state.at !== 'looking_up') throw new UssdMenuError('UNEXPECTED_MENU_EVENT', `a lookup result in state ${state.at}: no lookup was asked for`);
      return show(afterLookup(state.lang, event.outcome), ctx);
    case 'input':
      return onInput(state, event.text, ctx);
  }
}

function onInput(state: Exclude<MenuState, { at: 'ended' }>, text: string, ctx: ResolvedMenuContext): StepResult {
  switch (state.at) {
    case 'language': {
      const lang = choiceOf('language', text);
      return lang === null ? wrong(state, ctx) : show(mainMenu(lang), ctx, remember(lang));
    }
    case 'main':
      return onMainMenu(state, text, ctx);
    case 'help':
      // The help has one way on, and whatever is typed takes it: there is nothing to get wrong.
      return show(mainMenu(state.lang), ctx);
    case 'cnic':
    case 'looking_up':
      return onCnicEntry(state.lang, state.at === 'cnic' ? state.bad : 0, text, ctx);
    case 'result':
      return onResultPage(state, text, ctx);
    case 'not_found':
      return onNotFound(state, text, ctx);
  }
}

function onMainMenu(state: Extract<MenuState, { at: 'main' }>, text: string, ctx: ResolvedMenuContext): ScreenStep {
  switch (choiceOf('main', text)) {
    case 'check':
      return show(cnicEntry(state.lang), ctx);
    case 'help':
      return show({ v: 1, at: 'help', lang: state.lang, bad: 0 }, ctx);
    case 'otherLanguage': {
      const lang = state.lang === 'ur' ? 'en' : 'ur';
      return show(mainMenu(lang), ctx, remember(lang));
    }
    case 'exit':
      return show({ v: 1, at: 'ended', lang: state.lang, reason: 'exit' }, ctx);
    case null:
      return wrong(state, ctx);
  }
}

function onNotFound(state: Extract<MenuState, { at: 'not_found' }>, text: string, ctx: ResolvedMenuContext): ScreenStep {
  switch (choiceOf('not_found', text)) {
    case 'tryAgain':
      return show(cnicEntry(state.lang), ctx);
    case 'home':
      return show(mainMenu(state.lang), ctx);
    case null:
      return wrong(state, ctx);
  }
}

/**
 * A CNIC entry, read exactly as an SMS is (`parseRequest`: dashes, spaces, dots, Urdu and
 * Arabic-Indic digits, words around it; a language word before it is ignored: the menu has its
 * language). "0" goes back; a help word shows the help.
 */
function onCnicEntry(lang: ReplyLanguage, bad: number, text: string, ctx: ResolvedMenuContext): StepResult {
  if (choiceOf('cnic', text) === 'back') return show(mainMenu(lang), ctx);
  const request = parseRequest(text);
  switch (request.kind) {
    case 'lookup':
      return { state: { v: 1, at: 'looking_up', lang }, screen: null, action: { kind: 'lookup', cnic: request.cnic } };
    case 'help':
      return show({ v: 1, at: 'help', lang, bad: 0 }, ctx);
    case 'invalid':
      return wrong({ v: 1, at: 'cnic', lang, bad, invalid: request.reason }, ctx);
  }
}

function onResultPage(state: Extract<MenuState, { at: 'result' }>, text: string, ctx: ResolvedMenuContext): ScreenStep {
  const last = resultPages(state.voter, state.lang, ctx.limits).length - 1;
  // Pages are made again on every step; a smaller limit than the last step's may leave fewer.
  const page = Math.min(state.page, last);
  switch (choiceOf('result', text)) {
    case 'more':
      return page < last ? show({ ...state, page: page + 1, bad: 0 }, ctx) : wrong(state, ctx);
    case 'back':
      return show(page > 0 ? { ...state, page: page - 1, bad: 0 } : cnicEntry(state.lang), ctx);
    case 'sms':
      return show({ v: 1, at: 'ended', lang: state.lang, reason: 'sms_sent' }, ctx, sendSms(state.voter, state.lang));
    case 'home':
      return show(mainMenu(state.lang), ctx);
    case null:
      return wrong(state, ctx);
  }
}

function afterLookup(lang: ReplyLanguage, outcome: LookupOutcome): ShownState {
  switch (outcome.kind) {
    case 'found':
      return { v: 1, at: 'result', lang, bad: 0, voter: voterFields(outcome.voter), page: 0 };
    case 'not_found':
      return { v: 1, at: 'not_found', lang, bad: 0 };
    case 'busy':
    case 'rate_limited':
    case 'enumeration':
      return { v: 1, at: 'ended', lang, reason: outcome.kind };
  }
}

/**
 * A wrong input: the same screen again, with what was wrong, until `maxBadInputs` wrong inputs in
 * a row end the dialog. `state` is the screen's state with what was wrong already set (for a CNIC).
 */
function wrong(state: Exclude<MenuState, { at: 'ended' | 'looking_up' }>, ctx: ResolvedMenuContext): ScreenStep {
  const bad = state.bad + 1;
  if (bad >= ctx.maxBadInputs) return show(ended(state, 'bad_inputs'), ctx);
  return show({ ...state, bad }, ctx);
}

function ended(state: Exclude<MenuState, { at: 'ended' }>, reason: 'abort' | 'timeout' | 'bad_inputs'): ShownState {
  return state.at === 'language' ? { v: 1, at: 'ended', lang: null, reason } : { v: 1, at: 'ended', lang: state.lang, reason };
}

function mainMenu(lang: ReplyLanguage): ShownState {
  return { v: 1, at: 'main', lang, bad: 0 };
}

function cnicEntry(lang: ReplyLanguage): ShownState {
  return { v: 1, at: 'cnic', lang, bad: 0, invalid: null };
}

function remember(lang: ReplyLanguage): RememberLanguageAction {
  return { kind: 'remember_language', lang };
}

/** The details as the SMS reply for the same lookup says them, so the SMS is the reply a citizen would have got by SMS. */
function sendSms(voter: VoterDetails, lang: ReplyLanguage): SendSmsAction {
  const { text, kind } = renderReply({ kind: 'found', voter }, lang);
  return { kind: 'send_sms', text, replyKind: kind, lang };
}

/**
 * Only the fields a reply shows, whatever else the caller's object carries (a roll row with its
 * CNIC hash, say): nothing else reaches the stored state.
 */
function voterFields(v: VoterDetails): VoterDetails {
  return {
    blockCode: v.blockCode,
    serialNo: v.serialNo,
    familyNo: v.familyNo,
    areaUr: v.areaUr,
    areaEn: v.areaEn,
    districtUr: v.districtUr,
    districtEn: v.districtEn,
    tehsilUr: v.tehsilUr,
    tehsilEn: v.tehsilEn,
    na: v.na,
    pa: v.pa,
    stationNo: v.stationNo,
    stationUr: v.stationUr,
    stationEn: v.stationEn,
  };
}

/** A state that shows a screen: every one but `looking_up`. */
type ShownState = Exclude<MenuState, { at: 'looking_up' }>;

function show(state: ShownState, ctx: ResolvedMenuContext, action?: SendSmsAction | RememberLanguageAction): ScreenStep {
  const screen = renderScreen(state, ctx) as Screen;
  return action ? { state, screen, action } : { state, screen };
}
