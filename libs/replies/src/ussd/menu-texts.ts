import type { InvalidReason, ReplyLanguage } from '@parchee/contracts';
import { EXAMPLE_CNIC, HELPLINE, renderReply } from '../sms/reply-templates';

/**
 * The texts of the *8300# USSD menu, beside the SMS templates so both channels say the same thing
 * in the same words. A USSD screen is small (182 GSM 7-bit characters, 80 in UCS-2 on most
 * networks, which every Urdu screen is), so these are shorter than the SMS replies; the voter's
 * details themselves are the SMS reply's, paged by the menu (libs/ussd). Options are labels: the
 * menu puts each option's key before it. Every English text is in the GSM 7-bit alphabet, so an
 * English screen gets the larger limit.
 */
export interface UssdMenuTexts {
  /** The main menu's heading. */
  title: string;
  option: Record<UssdOption, string>;
  /** Asks for the CNIC. */
  cnicPrompt: string;
  /** Asks again after a wrong CNIC entry, below what was wrong with it. */
  cnicRetry: string;
  /** What was wrong with a CNIC entry: the SMS reasons, said for a screen rather than a message. */
  invalidCnic: Record<InvalidReason, string>;
  /** Above a menu shown again after an input that is none of its options. */
  badChoice: string;
  help: string;
  notFound: string;
  /** The last screen of a dialog, for each way it ends. */
  ending: Record<UssdEnding, string>;
}

/** Every option a menu screen can offer. */
export type UssdOption = 'check' | 'help' | 'otherLanguage' | 'exit' | 'more' | 'back' | 'sms' | 'home' | 'tryAgain';

/**
 * How a dialog ends: the citizen left, the network aborted or timed it out, too many wrong inputs
 * in a row, the details were sent by SMS, or a lookup outcome that ends it (the roll unavailable,
 * a refused number).
 */
export type UssdEnding = 'exit' | 'abort' | 'timeout' | 'bad_inputs' | 'sms_sent' | 'busy' | 'rate_limited' | 'enumeration';

/** Endings that can come before a language was chosen, said in both. */
export type UssdBilingualEnding = Extract<UssdEnding, 'abort' | 'timeout' | 'bad_inputs'>;

const DIAL = '*8300#';

const URDU: UssdMenuTexts = {
  title: '8300 ووٹ کی معلومات',
  option: {
    check: 'اپنا ووٹ معلوم کریں',
    help: 'مدد',
    otherLanguage: 'English',
    exit: 'ختم',
    more: 'مزید',
    back: 'واپس',
    sms: 'SMS',
    home: 'مینو',
    tryAgain: 'دوبارہ',
  },
  cnicPrompt: `اپنا 13 ہندسوں کا شناختی کارڈ نمبر لکھیں، مثال: ${EXAMPLE_CNIC}`,
  cnicRetry: `دوبارہ لکھیں، مثال: ${EXAMPLE_CNIC}`,
  invalidCnic: {
    empty: 'آپ نے کچھ نہیں لکھا۔',
    no_number: 'نمبر نہیں ملا۔',
    wrong_length: 'شناختی کارڈ نمبر 13 ہندسوں کا ہوتا ہے۔',
    bad_region: 'یہ شناختی کارڈ نمبر درست نہیں۔',
    several_numbers: 'صرف ایک شناختی کارڈ نمبر لکھیں۔',
  },
  badChoice: 'غلط انتخاب۔',
  help: `شناختی کارڈ نمبر لکھیں یا 8300 پر SMS کریں۔ ہیلپ لائن ${HELPLINE}`,
  notFound: `یہ شناختی کارڈ ووٹر فہرست میں نہیں۔ ہیلپ لائن ${HELPLINE}`,
  ending: {
    exit: `شکریہ۔ کسی بھی وقت ${DIAL} ملائیں۔`,
    abort: `سیشن ختم۔ دوبارہ ${DIAL} ملائیں۔`,
    timeout: `وقت ختم ہو گیا۔ دوبارہ ${DIAL} ملائیں۔`,
    bad_inputs: `بہت زیادہ غلط اندراج۔ دوبارہ ${DIAL} ملائیں۔`,
    sms_sent: 'آپ کی معلومات جلد SMS پر مل جائیں گی۔ شکریہ۔',
    busy: renderReply({ kind: 'busy' }, 'ur').text,
    rate_limited: `درخواستوں کی حد پوری ہو گئی۔ چند گھنٹے بعد کوشش کریں۔ ہیلپ لائن ${HELPLINE}`,
    enumeration: `بہت سے شناختی کارڈ نمبر پوچھے گئے۔ ہیلپ لائن ${HELPLINE} پر رابطہ کریں۔`,
  },
};

const ENGLISH: UssdMenuTexts = {
  title: '8300 Voter information',
  option: {
    check: 'Check my vote',
    help: 'Help',
    otherLanguage: 'Urdu',
    exit: 'Exit',
    more: 'More',
    back: 'Back',
    sms: 'SMS me',
    home: 'Menu',
    tryAgain: 'Try again',
  },
  cnicPrompt: `Enter your 13-digit CNIC number, e.g. ${EXAMPLE_CNIC}`,
  cnicRetry: `Enter it again, e.g. ${EXAMPLE_CNIC}`,
  invalidCnic: {
    empty: 'You entered nothing.',
    no_number: 'No number found.',
    wrong_length: 'A CNIC number has 13 digits.',
    bad_region: 'This is not a valid CNIC number.',
    several_numbers: 'Enter one CNIC number only.',
  },
  badChoice: 'Invalid choice.',
  help: `Choose 1 and enter your CNIC number to see your polling station, block code, serial and family number. Or send your CNIC by SMS to 8300. Helpline ${HELPLINE}`,
  notFound: `This CNIC is not on the electoral roll. To register, contact your District Election Commissioner. Helpline ${HELPLINE}`,
  ending: {
    exit: `Thank you. Dial ${DIAL} any time.`,
    abort: `Session ended. Dial ${DIAL} to start again.`,
    timeout: `Your session timed out. Dial ${DIAL} to start again.`,
    bad_inputs: `Too many wrong entries. Dial ${DIAL} to try again.`,
    sms_sent: 'Your details will reach you by SMS shortly. Thank you.',
    busy: renderReply({ kind: 'busy' }, 'en').text,
    rate_limited: renderReply({ kind: 'rate_limited' }, 'en').text,
    enumeration: renderReply({ kind: 'enumeration' }, 'en').text,
  },
};

const TEXTS: Record<ReplyLanguage, UssdMenuTexts> = { ur: URDU, en: ENGLISH };

export function ussdMenuTexts(lang: ReplyLanguage): UssdMenuTexts {
  return TEXTS[lang];
}

/**
 * The first screen, before the citizen chose a language: a heading in both and each language in its
 * own script. Urdu and English stay on lines of their own: a handset lays out a line mixing both
 * scripts in an order neither reader expects.
 */
export const USSD_LANGUAGE_MENU = {
  title: '8300 ووٹ کی معلومات\nVoter info',
  option: { ur: 'اردو', en: 'English' } satisfies Record<ReplyLanguage, string>,
  badChoice: 'غلط انتخاب۔\nInvalid choice.',
} as const;

/** Endings before a language was chosen, in both languages: Urdu first, as the service answers by default. */
export const USSD_BILINGUAL_ENDING: Record<UssdBilingualEnding, string> = {
  abort: `سیشن ختم۔ ${DIAL}\nSession ended. Dial ${DIAL}`,
  timeout: `وقت ختم۔ ${DIAL}\nTimed out. Dial ${DIAL}`,
  bad_inputs: `غلط انتخاب۔ ${DIAL}\nWrong choices. Dial ${DIAL}`,
};
