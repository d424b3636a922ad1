import { UssdMenuError } from '../errors/ussd-menu-error';
import { asSent, fitsScreen, type ScreenLimits } from './screen-limits';

/**
 * Splits `text` into pages that each fit one screen with `footer` on a line below, measured as the
 * screen is sent (`asSent`), each page in its own alphabet. Lines stay whole where a line fits a
 * page, so "Polling station 37: ..." is not cut after its number when the next page would hold it;
 * a line longer than any page breaks at spaces (not before a number), starting where the page in
 * hand has room, and a word longer than a page (none in a real roll) between characters. Every
 * page is measured with the same footer: the longest one the caller shows.
 */
export function pageText(text: string, footer: string, limits: ScreenLimits): string[] {
  const fits = (content: string) => fitsScreen(asSent(withFooter(content, footer)), limits);
  const pages: string[] = [];
  let page = '';
  const add = (piece: string, separator: string) => {
    const joined = page === '' ? piece : page + separator + piece;
    if (fits(joined)) {
      page = joined;
      return true;
    }
    return false;
  };
  const flush = () => {
    if (page !== '') pages.push(page);
    page = '';
  };

  for (const line of text.split('\n')) {
    if (add(line, '\n')) continue;
    if (fits(line)) {
      flush();
      add(line, '\n');
      continue;
    }
    // Longer than any page: broken at spaces, from where the page has room; a number stays with
    // the word before it ("No. 6", "نمبر 6"), so a page does not end on a word that needs it.
    let separator = '\n';
    for (const word of line.split(/ (?!\d)/)) {
      if (!add(word, separator)) {
        flush();
        if (!add(word, separator)) {
          for (const ch of word) {
            if (add(ch, '')) continue;
            flush();
            if (!add(ch, '')) {
              throw new UssdMenuError(
                'INVALID_MENU_OPTIONS',
                `a screen of ${limits.gsm7} GSM 7-bit / ${limits.ucs2} UCS-2 characters cannot hold "${footer}" and one character`,
              );
            }
          }
        }
      }
      separator = ' ';
    }
  }
  flush();
  return pages.length > 0 ? pages : [''];
}

/** One page as shown: its text, and the options on the last line. */
export function withFooter(content: string, footer: string): string {
  return content === '' ? footer : `${content}\n${footer}`;
}
