export { startMenu, stepMenu } from './menu/menu-machine';
export { renderScreen, resultPages, minimumScreenLimits } from './menu/menu-screens';
export { resolveMenuContext, DEFAULT_MAX_BAD_INPUTS } from './menu/menu-context';
export type { MenuContext, ResolvedMenuContext } from './menu/menu-context';
export { MENU_KEYS } from './menu/menu-keys';
export type { MenuState, EndedState, MenuScreenName } from './menu/menu-state';
export { decodeMenuState } from './menu/menu-state-codec';
export type {
  Screen,
  MenuEvent,
  LookupOutcome,
  MenuAction,
  LookupAction,
  SendSmsAction,
  RememberLanguageAction,
  StepResult,
  ScreenStep,
  LookupStep,
} from './menu/menu-step';
export { DEFAULT_SCREEN_LIMITS, screenSize, fitsScreen, asSent } from './screen/screen-limits';
export type { ScreenLimits, ScreenAlphabet, ScreenSize } from './screen/screen-limits';
export { UssdMenuError, UssdMenuErrorCode } from './errors/ussd-menu-error';
