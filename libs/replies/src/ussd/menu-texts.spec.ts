import { gsm7SeptetCount } from '@parchee/smpp';
import { EXAMPLE_CNIC, HELPLINE } from '../sms/reply-templates';
import { USSD_BILINGUAL_ENDING, USSD_LANGUAGE_MENU, ussdMenuTexts, type UssdMenuTexts } from './menu-texts';

/** Every text of one language's menu, named by where it sits, for checks that hold for all of them. */
function everyText(t: UssdMenuTexts): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') out.push([path, value]);
    else for (const [key, inner] of Object.entries(value as object)) walk(inner, path ? `${path}.${key}` : key);
  };
  walk(t, '');
  return out;
}

const URDU_LETTER = /[\u0600-\u06FF]/;

describe('the USSD menu texts', () => {
  it.each(everyText(ussdMenuTexts('en')))('writes the English %s in the GSM 7-bit alphabet, so English screens get the larger limit', (_path, text) => {
    expect(gsm7SeptetCount(text)).toBeGreaterThan(0);
  });

  // The label that switches to English is English, and "SMS" is what Urdu speakers call it.
  const latinInUrdu = new Set(['option.otherLanguage', 'option.sms']);
  it.each(everyText(ussdMenuTexts('ur')).filter(([path]) => !latinInUrdu.has(path)))('writes the Urdu %s in Urdu', (_path, text) => {
    expect(text).toMatch(URDU_LETTER);
  });

  it('offers each language in its own script on the first screen, and says the heading and a wrong choice in both', () => {
    expect(USSD_LANGUAGE_MENU.option).toEqual({ ur: 'اردو', en: 'English' });
    for (const text of [USSD_LANGUAGE_MENU.title, USSD_LANGUAGE_MENU.badChoice]) {
      const [urdu, english] = text.split('\n');
      expect(urdu).toMatch(URDU_LETTER);
      expect(gsm7SeptetCount(english)).toBeGreaterThan(0);
    }
  });

  it.each(['ur', 'en'] as const)('tells the citizen in %s how to come back after every ending that is not a refusal', (lang) => {
    const { ending } = ussdMenuTexts(lang);
    for (const text of [ending.exit, ending.abort, ending.timeout, ending.bad_inputs]) expect(text).toContain('*8300#');
    for (const text of Object.values(USSD_BILINGUAL_ENDING)) expect(text.split('*8300#')).toHaveLength(3);
  });

  it.each(['ur', 'en'] as const)('gives the helpline in %s wherever the menu cannot answer: help, not on the roll, refused', (lang) => {
    const t = ussdMenuTexts(lang);
    for (const text of [t.help, t.notFound, t.ending.rate_limited, t.ending.enumeration]) expect(text).toContain(HELPLINE);
  });

  it.each(['ur', 'en'] as const)('shows the CNIC format by example in %s when asking for it and when asking again', (lang) => {
    const t = ussdMenuTexts(lang);
    expect(t.cnicPrompt).toContain(EXAMPLE_CNIC);
    expect(t.cnicRetry).toContain(EXAMPLE_CNIC);
    expect(t.cnicPrompt).toContain('13');
  });

  it('has the same options and endings in both languages', () => {
    const keys = (t: UssdMenuTexts) => everyText(t).map(([path]) => path);
    expect(keys(ussdMenuTexts('ur'))).toEqual(keys(ussdMenuTexts('en')));
  });
});
