export { EXAMPLE_VOTER } from './example-voter';
export { menuScreensMarkdown, docsVoter, MENU_SCREENS_BEGIN, MENU_SCREENS_END } from './menu-screens-doc';
