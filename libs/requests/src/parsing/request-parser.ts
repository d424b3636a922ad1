import type { ReplyLanguage } from '@parchee/contracts';
import type { CitizenRequest } from './citizen-request';

const CNIC_LENGTH = 13;
/** First digit of a CNIC: 1 KP, 2 FATA, 3 Punjab, 4 Sindh, 5 Balochistan, 6 Islamabad, 7 GB. */
const VALID_REGIONS = /^[1-7]/;

const ENGLISH_KEYWORDS = new Set(['E', 'EN', 'ENG', 'ENGLISH']);
const URDU_KEYWORDS = new Set(['U', 'UR', 'URDU', 'اردو']);
const HELP_KEYWORDS = new Set(['HELP', 'H', '?', 'مدد', 'INFO']);

/**
 * Urdu (Extended Arabic-Indic, U+06F0..U+06F9) and Arabic-Indic (U+0660..U+0669) digits become
 * ASCII, so "۳۵۲۰۲۱۲۳۴۵۶۷۱" is the same request as "3520212345671".
 */
export function normaliseDigits(text: string): string {
  return text.replace(/[\u06F0-\u06F9\u0660-\u0669]/g, (d) => {
    const code = d.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

/**
 * Digit runs in the text, where a run may be broken by dashes, dots or single spaces as people
 * type CNICs ("35202-1234567-1", "35202 1234567 1"). A run that splits cleanly into 13-digit
 * groups at its spaces counts as that many numbers.
 */
function numbersIn(text: string): string[] {
  const numbers: string[] = [];
  for (const match of text.matchAll(/\d(?:[\d.-]|\s(?=\d))*/g)) {
    const groups = match[0].split(/\s+/).map((g) => g.replace(/\D/g, ''));
    const whole = groups.join('');
    const split: string[] = [];
    let current = '';
    for (const g of groups) {
      current += g;
      if (current.length === CNIC_LENGTH) {
        split.push(current);
        current = '';
      }
    }
    if (split.length > 1 && current === '') numbers.push(...split);
    else numbers.push(whole);
  }
  return numbers;
}

/**
 * Understands an MO text. Strict on purpose: a lookup happens only for exactly one 13-digit
 * number with a valid region digit (Kenya's service answered "0" and random ids with records).
 */
export function parseRequest(rawText: string): CitizenRequest {
  const text = normaliseDigits(rawText)
    .replace(/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, '')
    .trim();
  // '?' separates words too ("HELP?"), but a message that is only question marks asks for help.
  const words = /^[?؟]+$/.test(text) ? ['?'] : text.split(/[\s,.:;!?؟]+/).filter(Boolean);
  let lang: ReplyLanguage = 'ur';
  const first = words[0]?.toUpperCase();
  if (first && ENGLISH_KEYWORDS.has(first)) lang = 'en';
  else if (first && URDU_KEYWORDS.has(first)) lang = 'ur';
  // Latin-only text with no Urdu in it reads better answered in English only when asked: keep Urdu default.

  if (text === '') return { kind: 'invalid', reason: 'empty', lang };
  if (words.some((w) => HELP_KEYWORDS.has(w.toUpperCase()))) {
    if (!/\d/.test(text)) return { kind: 'help', lang };
  }

  const numbers = numbersIn(text);
  if (numbers.length === 0) {
    const onlyLanguage = words.length === 1 && first !== undefined && (ENGLISH_KEYWORDS.has(first) || URDU_KEYWORDS.has(first));
    return onlyLanguage ? { kind: 'help', lang } : { kind: 'invalid', reason: 'no_number', lang };
  }
  if (numbers.length > 1) return { kind: 'invalid', reason: 'several_numbers', lang };
  const cnic = numbers[0];
  if (cnic.length !== CNIC_LENGTH) return { kind: 'invalid', reason: 'wrong_length', lang };
  if (!VALID_REGIONS.test(cnic)) return { kind: 'invalid', reason: 'bad_region', lang };
  return { kind: 'lookup', cnic, lang };
}
