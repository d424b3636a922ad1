import { UssdMenuError } from '../errors/ussd-menu-error';
import { DEFAULT_SCREEN_LIMITS, type ScreenLimits } from '../screen/screen-limits';
import { minimumScreenLimits } from './menu-screens';

/** Per call, as the operator's link is configured; every field has a default. */
export interface MenuContext {
  /** Default `DEFAULT_SCREEN_LIMITS`: 182 GSM 7-bit, 80 UCS-2. */
  limits?: ScreenLimits;
  /** Wrong inputs in a row on one screen that end the dialog. Default 3. */
  maxBadInputs?: number;
}

export const DEFAULT_MAX_BAD_INPUTS = 3;

export type ResolvedMenuContext = Required<MenuContext>;

/**
 * The context with its defaults, checked: limits below `minimumScreenLimits()` are refused, as the
 * menu's fixed screens would not fit them (the result pages fit any limit above that).
 */
export function resolveMenuContext(context: MenuContext = {}): ResolvedMenuContext {
  const limits = context.limits ?? DEFAULT_SCREEN_LIMITS;
  const maxBadInputs = context.maxBadInputs ?? DEFAULT_MAX_BAD_INPUTS;
  const minimum = minimumScreenLimits();
  for (const alphabet of ['gsm7', 'ucs2'] as const) {
    const limit = limits[alphabet];
    if (!Number.isInteger(limit) || limit < minimum[alphabet]) {
      throw new UssdMenuError('INVALID_MENU_OPTIONS', `screen limit ${alphabet} ${limit}: the menu needs a whole number of at least ${minimum[alphabet]}`);
    }
  }
  if (!Number.isInteger(maxBadInputs) || maxBadInputs < 1) {
    throw new UssdMenuError('INVALID_MENU_OPTIONS', `maxBadInputs ${maxBadInputs}: must be a whole number of at least 1`);
  }
  return { limits, maxBadInputs };
}
