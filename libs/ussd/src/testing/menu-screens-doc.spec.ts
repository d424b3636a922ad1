import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ussdMenuTexts } from '@parchee/replies';
import { MENU_SCREENS_BEGIN, MENU_SCREENS_END, menuScreensMarkdown } from './menu-screens-doc';

const DOC = join(__dirname, '../../../../docs/requests-and-replies.md');

describe('the menu screens in docs/requests-and-replies.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  const generated = menuScreensMarkdown();

  it('are the screens the code renders (run `node -r @swc-node/register tools/docs/menu-screens.ts` after changing the menu)', () => {
    const begin = doc.indexOf(MENU_SCREENS_BEGIN);
    const end = doc.indexOf(MENU_SCREENS_END);
    expect(begin).toBeGreaterThan(0);
    expect(doc.slice(begin, end + MENU_SCREENS_END.length)).toBe(generated);
  });

  it('show a whole dialog in each language, from the first screen to the SMS', () => {
    for (const lang of ['ur', 'en'] as const) {
      const t = ussdMenuTexts(lang);
      for (const text of [t.title, t.cnicPrompt, t.ending.sms_sent, t.ending.busy]) expect(generated).toContain(text.split('\n')[0]);
    }
    expect(generated).toContain('sends the SMS reply');
  });
});
