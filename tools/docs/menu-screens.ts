// Writes the USSD menu's screens, as libs/ussd renders them, into docs/requests-and-replies.md
// between its menu-screens markers. Run: node -r @swc-node/register tools/docs/menu-screens.ts
// (libs/ussd's menu-screens-doc spec fails while the doc and the code disagree). The test helpers are
// imported by path: @swc-node/register resolves the @parchee/*/testing alias wrongly.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MENU_SCREENS_BEGIN, MENU_SCREENS_END, menuScreensMarkdown } from '../../libs/ussd/src/testing';

const doc = join(__dirname, '../../docs/requests-and-replies.md');
const text = readFileSync(doc, 'utf8');
const begin = text.indexOf(MENU_SCREENS_BEGIN);
const end = text.indexOf(MENU_SCREENS_END);
if (begin < 0 || end < begin) throw new Error(`${doc} has no menu-screens markers`);
writeFileSync(doc, text.slice(0, begin) + menuScreensMarkdown() + text.slice(end + MENU_SCREENS_END.length));
process.stdout.write(`wrote the menu's screens into ${doc}\n`);
