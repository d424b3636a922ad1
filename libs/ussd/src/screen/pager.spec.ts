import { UssdMenuError } from '../errors/ussd-menu-error';
import { pageText, withFooter } from './pager';
import { fitsScreen, type ScreenLimits } from './screen-limits';

const small: ScreenLimits = { gsm7: 40, ucs2: 30 };
const footer = '1 More 0 Menu'; // 13 septets: 26 left for a page's text, after its newline

function everyPageFits(pages: string[], limits: ScreenLimits): void {
  for (const page of pages) expect(fitsScreen(withFooter(page, footer), limits)).toBe(true);
}

/** The words of a text in order, whatever lines and pages they were put on. */
const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('pageText', () => {
  it('keeps a text that fits on one page', () => {
    expect(pageText('Block code: 1\nSerial: 2', footer, small)).toEqual(['Block code: 1\nSerial: 2']);
  });

  it('moves a whole line to the next page rather than cutting it, where the line fits a page', () => {
    const pages = pageText('Block code: 123456789\nPolling station 37', footer, small);
    expect(pages).toEqual(['Block code: 123456789', 'Polling station 37']);
  });

  it('breaks a line longer than any page at spaces, starting on the page in hand', () => {
    const text = 'NA-1\nPolling station 37: Govt Boys Primary School No. 2';
    const pages = pageText(text, footer, small);
    expect(pages[0].startsWith('NA-1\nPolling')).toBe(true);
    expect(pages.length).toBeGreaterThan(1);
    expect(words(pages.join(' '))).toEqual(words(text));
    everyPageFits(pages, small);
  });

  it('keeps a number with the word before it when it breaks a line', () => {
    // 26 septets for the text: "Govt Girls High School No" would fit the first page, leaving "2".
    expect(pageText('Govt Girls High School No 2 Gulberg', footer, small)).toEqual(['Govt Girls High School', 'No 2 Gulberg']);
  });

  it('cuts a word longer than a page between characters, losing none', () => {
    const word = 'x'.repeat(60);
    const pages = pageText(word, footer, small);
    expect(pages.join('')).toBe(word);
    everyPageFits(pages, small);
  });

  it('measures each page in its own alphabet: an Urdu page gets the UCS-2 limit', () => {
    const text = 'بلاک کوڈ: 123\nسلسلہ نمبر: 412\nگھرانہ نمبر: 87';
    const pages = pageText(text, footer, small);
    expect(pages.length).toBeGreaterThan(1);
    expect(words(pages.join('\n'))).toEqual(words(text));
    everyPageFits(pages, small);
  });

  it('measures a page as sent: a look-alike does not push an English page into UCS-2', () => {
    // With its footer, 37 septets once ’ is sent as ' (the limit is 40); as UCS-2 the same 37 units would pass 30.
    const text = 'Girls\u2019 High School No 2';
    expect(pageText(text, footer, small)).toEqual([text]);
  });

  it('refuses a screen too small for the options and one character', () => {
    expect(() => pageText('abc', footer, { gsm7: 14, ucs2: 14 })).toThrow(UssdMenuError);
  });
});
