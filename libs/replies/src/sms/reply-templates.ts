import type { InvalidReason, ReplyKind, ReplyLanguage } from '@parchee/contracts';

/** The roll fields a reply shows. Name and address are left out on purpose, as ECP does. */
export interface VoterDetails {
  blockCode: string;
  serialNo: number;
  familyNo: number;
  areaUr: string;
  areaEn: string;
  districtUr: string;
  districtEn: string;
  tehsilUr: string;
  tehsilEn: string;
  /** Null where a block elects no National Assembly member (Gilgit-Baltistan). */
  na: string | null;
  /** Null where there is no provincial assembly (Islamabad). */
  pa: string | null;
  stationNo: number;
  stationUr: string;
  stationEn: string;
}

export const HELPLINE = '051-111-327-111';
export const EXAMPLE_CNIC = '3520212345671';

export type ReplyInput =
  | { kind: 'found'; voter: VoterDetails }
  | { kind: 'not_found' }
  | { kind: 'invalid'; reason: InvalidReason }
  | { kind: 'help' }
  | { kind: 'busy' }
  /** Past the per-number hourly or daily limit. */
  | { kind: 'rate_limited' }
  /** Blocked for asking about too many different CNICs, or walking a range of them. */
  | { kind: 'enumeration' };

const URDU_INVALID: Record<InvalidReason, string> = {
  empty: 'آپ کا پیغام خالی تھا۔',
  no_number: 'پیغام میں شناختی کارڈ نمبر نہیں ملا۔',
  wrong_length: 'شناختی کارڈ نمبر 13 ہندسوں کا ہوتا ہے۔',
  bad_region: 'یہ شناختی کارڈ نمبر درست نہیں۔',
  several_numbers: 'ایک پیغام میں صرف ایک شناختی کارڈ نمبر بھیجیں۔',
};

const ENGLISH_INVALID: Record<InvalidReason, string> = {
  empty: 'Your message was empty.',
  no_number: 'No CNIC number found in your message.',
  wrong_length: 'A CNIC number has 13 digits.',
  bad_region: 'This is not a valid CNIC number.',
  several_numbers: 'Send one CNIC number per message.',
};

function constituencies(v: VoterDetails): string {
  return [v.na, v.pa].filter(Boolean).join(' ');
}

/**
 * Area, tehsil and district. A polling station is usually named after its locality; when the
 * station's name already says the area, the area is not said twice: it would cost a third of an
 * Urdu part and push the longest real replies past three.
 */
function place(area: string, tehsil: string, district: string, station: string, separator: string): string {
  return (station.includes(area) ? [tehsil, district] : [area, tehsil, district]).join(separator);
}

// Lines are joined with "\n": every handset shows it, and it costs one character.
function urdu(input: ReplyInput): string {
  switch (input.kind) {
    case 'found': {
      const v = input.voter;
      return [
        `بلاک کوڈ: ${v.blockCode}`,
        `سلسلہ نمبر: ${v.serialNo}`,
        `گھرانہ نمبر: ${v.familyNo}`,
        place(v.areaUr, v.tehsilUr, v.districtUr, v.stationUr, '، '),
        constituencies(v),
        `پولنگ اسٹیشن ${v.stationNo}: ${v.stationUr}`,
      ]
        .filter(Boolean)
        .join('\n');
    }
    case 'not_found':
      return `یہ شناختی کارڈ نمبر انتخابی فہرست میں درج نہیں۔ اندراج کے لیے ضلعی الیکشن کمشنر سے رابطہ کریں۔ ہیلپ لائن ${HELPLINE}`;
    case 'invalid':
      return `${URDU_INVALID[input.reason]} 13 ہندسوں کا شناختی کارڈ نمبر بھیجیں، مثال: ${EXAMPLE_CNIC}`;
    case 'help':
      return `ووٹ کی معلومات کے لیے اپنا 13 ہندسوں کا شناختی کارڈ نمبر 8300 پر بھیجیں، مثال: ${EXAMPLE_CNIC}۔ انگریزی کے لیے: E ${EXAMPLE_CNIC}`;
    case 'busy':
      return 'سروس اس وقت مصروف ہے۔ براہ کرم کچھ دیر بعد دوبارہ کوشش کریں۔';
    case 'rate_limited':
      return `اس نمبر سے درخواستوں کی حد پوری ہو گئی ہے۔ براہ کرم چند گھنٹے بعد دوبارہ کوشش کریں۔ ہیلپ لائن ${HELPLINE}`;
    case 'enumeration':
      return `اس نمبر سے بہت سے مختلف شناختی کارڈ نمبر پوچھے گئے ہیں، اس لیے فی الحال جواب نہیں دیا جا سکتا۔ اپنے ووٹ کی معلومات کے لیے ہیلپ لائن ${HELPLINE} پر رابطہ کریں۔`;
  }
}

function english(input: ReplyInput): string {
  switch (input.kind) {
    case 'found': {
      const v = input.voter;
      return [
        `Block code: ${v.blockCode}`,
        `Serial no: ${v.serialNo}`,
        `Family no: ${v.familyNo}`,
        place(v.areaEn, v.tehsilEn, v.districtEn, v.stationEn, ', '),
        constituencies(v),
        `Polling station ${v.stationNo}: ${v.stationEn}`,
      ]
        .filter(Boolean)
        .join('\n');
    }
    case 'not_found':
      return `This CNIC is not on the electoral roll. To register, contact your District Election Commissioner. Helpline ${HELPLINE}`;
    case 'invalid':
      return `${ENGLISH_INVALID[input.reason]} Send your 13-digit CNIC, e.g. ${EXAMPLE_CNIC}`;
    case 'help':
      return `For your voting details send your 13-digit CNIC to 8300, e.g. ${EXAMPLE_CNIC}. For English: E ${EXAMPLE_CNIC}`;
    case 'busy':
      return 'The service is busy. Please try again in a few minutes.';
    case 'rate_limited':
      return `This number has reached its limit of requests. Please try again in a few hours. Helpline ${HELPLINE}`;
    case 'enumeration':
      return `This number has asked about too many different CNICs, so we cannot answer it for now. For your voting details call the helpline ${HELPLINE}.`;
  }
}

export function renderReply(input: ReplyInput, lang: ReplyLanguage): { text: string; kind: ReplyKind } {
  const kind: ReplyKind = input.kind === 'rate_limited' || input.kind === 'enumeration' ? 'refused' : input.kind;
  return { text: lang === 'en' ? english(input) : urdu(input), kind };
}
