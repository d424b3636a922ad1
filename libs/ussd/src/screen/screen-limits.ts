import { gsm7SeptetCount, replaceGsm7LookAlikes } from '@parchee/smpp';

/**
 * How much text one USSD screen of an operator's link holds. A USSD string carries 160 octets:
 * 182 characters of the GSM 7-bit alphabet packed (an extension character such as `€` or `[`
 * counts two), or 80 UCS-2 characters, which every Urdu screen is. Some networks allow less.
 */
export interface ScreenLimits {
  /** Septets on a screen whose every character is in the GSM 7-bit alphabet. */
  gsm7: number;
  /** UTF-16 code units on any other screen. */
  ucs2: number;
}

export const DEFAULT_SCREEN_LIMITS: Readonly<ScreenLimits> = Object.freeze({ gsm7: 182, ucs2: 80 });

export type ScreenAlphabet = 'gsm7' | 'ucs2';

export interface ScreenSize {
  alphabet: ScreenAlphabet;
  /** Septets for GSM 7-bit, UTF-16 code units for UCS-2. */
  length: number;
  /** The limit for that alphabet. */
  limit: number;
}

/**
 * A screen's text as it goes to the handset: characters that only look like GSM ones (’ – … a
 * no-break space) as their GSM counterparts when they are all that keeps the text out of the
 * alphabet, as egress sends SMS, so one ’ in a station's name does not cost an English screen
 * more than half its room. Text that needs UCS-2 anyway is left as written.
 */
export function asSent(text: string): string {
  return replaceGsm7LookAlikes(text) ?? text;
}

/** The alphabet a screen's text goes out in, its length in that alphabet's units and the limit that applies. */
export function screenSize(text: string, limits: ScreenLimits): ScreenSize {
  const septets = gsm7SeptetCount(text);
  return septets >= 0 ? { alphabet: 'gsm7', length: septets, limit: limits.gsm7 } : { alphabet: 'ucs2', length: text.length, limit: limits.ucs2 };
}

export function fitsScreen(text: string, limits: ScreenLimits): boolean {
  const { length, limit } = screenSize(text, limits);
  return length <= limit;
}
