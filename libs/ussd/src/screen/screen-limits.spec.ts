import { asSent, DEFAULT_SCREEN_LIMITS, fitsScreen, screenSize } from './screen-limits';

describe('screenSize', () => {
  it('counts GSM 7-bit text in septets, an extension character as two, against the GSM 7-bit limit', () => {
    expect(screenSize('Block code: 1', DEFAULT_SCREEN_LIMITS)).toEqual({ alphabet: 'gsm7', length: 13, limit: 182 });
    expect(screenSize('[a]€', DEFAULT_SCREEN_LIMITS)).toEqual({ alphabet: 'gsm7', length: 7, limit: 182 });
  });

  it('counts Urdu, and any text with one character outside the alphabet, in UTF-16 units against the UCS-2 limit', () => {
    expect(screenSize('مدد', DEFAULT_SCREEN_LIMITS)).toEqual({ alphabet: 'ucs2', length: 3, limit: 80 });
    expect(screenSize('1 مدد [x]', DEFAULT_SCREEN_LIMITS)).toEqual({ alphabet: 'ucs2', length: 9, limit: 80 });
  });

  it('fits 182 GSM 7-bit characters on the default screen, but not 92 extension characters', () => {
    expect(fitsScreen('a'.repeat(182), DEFAULT_SCREEN_LIMITS)).toBe(true);
    expect(fitsScreen('a'.repeat(183), DEFAULT_SCREEN_LIMITS)).toBe(false);
    expect(fitsScreen('€'.repeat(91), DEFAULT_SCREEN_LIMITS)).toBe(true);
    expect(fitsScreen('€'.repeat(92), DEFAULT_SCREEN_LIMITS)).toBe(false);
  });

  it('fits 80 Urdu characters on the default screen, not 81', () => {
    expect(fitsScreen('ب'.repeat(80), DEFAULT_SCREEN_LIMITS)).toBe(true);
    expect(fitsScreen('ب'.repeat(81), DEFAULT_SCREEN_LIMITS)).toBe(false);
  });
});

describe('asSent', () => {
  it('sends look-alikes as their GSM 7-bit counterparts when they are all that keeps a screen out of the alphabet', () => {
    expect(asSent('Girls\u2019 School \u2013 No.\u00a02')).toBe("Girls' School - No. 2");
  });

  it('leaves a screen that needs UCS-2 anyway as written', () => {
    expect(asSent('مدد\u2019')).toBe('مدد\u2019');
  });
});
