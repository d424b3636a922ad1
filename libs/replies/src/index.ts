export { renderReply, HELPLINE, EXAMPLE_CNIC } from './sms/reply-templates';
export type { ReplyInput, VoterDetails } from './sms/reply-templates';
export { ussdMenuTexts, USSD_LANGUAGE_MENU, USSD_BILINGUAL_ENDING } from './ussd/menu-texts';
export type { UssdMenuTexts, UssdOption, UssdEnding, UssdBilingualEnding } from './ussd/menu-texts';
