import type { InvalidReason, ReplyLanguage } from '@parchee/contracts';
import type { UssdBilingualEnding, UssdEnding, VoterDetails } from '@parchee/replies';
import { UssdMenuError } from '../errors/ussd-menu-error';
import type { MenuState } from './menu-state';

// Hand-written like the contracts' decoders: a state read back from a store is checked field by
// field, so a corrupt or foreign value stops at the door instead of in the middle of a step.

type Json = Record<string, unknown>;

const LANGUAGES: ReadonlySet<string> = new Set<ReplyLanguage>(['ur', 'en']);
const INVALID_REASONS: ReadonlySet<string> = new Set<InvalidReason>(['empty', 'no_number', 'wrong_length', 'bad_region', 'several_numbers']);
const ENDINGS: ReadonlySet<string> = new Set<UssdEnding>(['exit', 'abort', 'timeout', 'bad_inputs', 'sms_sent', 'busy', 'rate_limited', 'enumeration']);
const BILINGUAL_ENDINGS: ReadonlySet<string> = new Set<UssdBilingualEnding>(['abort', 'timeout', 'bad_inputs']);
const VOTER_TEXTS = ['blockCode', 'areaUr', 'areaEn', 'districtUr', 'districtEn', 'tehsilUr', 'tehsilEn', 'stationUr', 'stationEn'] as const;
const VOTER_NUMBERS = ['serialNo', 'familyNo', 'stationNo'] as const;
const VOTER_SEATS = ['na', 'pa'] as const;

function fail(message: string): never {
  throw new UssdMenuError('INVALID_MENU_STATE', `menu state: ${message}`);
}

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  return value as Json;
}

function count(o: Json, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(`${key} must be a whole number`);
  return v;
}

function language(o: Json): ReplyLanguage {
  const v = o['lang'];
  if (typeof v !== 'string' || !LANGUAGES.has(v)) fail(`unknown lang ${String(v)}`);
  return v as ReplyLanguage;
}

function voter(value: unknown): VoterDetails {
  const o = object(value, 'voter');
  for (const key of VOTER_TEXTS) if (typeof o[key] !== 'string') fail(`voter.${key} must be a string`);
  for (const key of VOTER_NUMBERS) if (typeof o[key] !== 'number' || !Number.isFinite(o[key])) fail(`voter.${key} must be a number`);
  for (const key of VOTER_SEATS) if (o[key] !== null && typeof o[key] !== 'string') fail(`voter.${key} must be a string or null`);
  const fields = [...VOTER_TEXTS, ...VOTER_NUMBERS, ...VOTER_SEATS] as string[];
  const extra = Object.keys(o).filter((key) => !fields.includes(key));
  if (extra.length > 0) fail(`voter has fields a reply does not show: ${extra.join(', ')}`);
  return o as unknown as VoterDetails;
}

/**
 * A menu state from its JSON (`JSON.stringify(state)`), checked: the version, the screen and the
 * fields that screen needs, nothing more in a voter than a reply shows. Throws INVALID_MENU_STATE.
 */
export function decodeMenuState(json: string): MenuState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    fail('not JSON');
  }
  const o = object(parsed, 'the state');
  if (o['v'] !== 1) fail(`unsupported version ${String(o['v'])}`);
  switch (o['at']) {
    case 'language':
      return { v: 1, at: 'language', bad: count(o, 'bad') };
    case 'main':
    case 'help':
    case 'not_found':
      return { v: 1, at: o['at'], lang: language(o), bad: count(o, 'bad') };
    case 'cnic': {
      const invalid = o['invalid'];
      if (invalid !== null && (typeof invalid !== 'string' || !INVALID_REASONS.has(invalid))) fail(`unknown invalid reason ${String(invalid)}`);
      return { v: 1, at: 'cnic', lang: language(o), bad: count(o, 'bad'), invalid: invalid as InvalidReason | null };
    }
    case 'looking_up':
      return { v: 1, at: 'looking_up', lang: language(o) };
    case 'result':
      return { v: 1, at: 'result', lang: language(o), bad: count(o, 'bad'), voter: voter(o['voter']), page: count(o, 'page') };
    case 'ended': {
      const reason = o['reason'];
      if (typeof reason !== 'string' || !ENDINGS.has(reason)) fail(`unknown ending ${String(reason)}`);
      if (o['lang'] === null) {
        if (!BILINGUAL_ENDINGS.has(reason)) fail(`ending ${reason} needs a language`);
        return { v: 1, at: 'ended', lang: null, reason: reason as UssdBilingualEnding };
      }
      return { v: 1, at: 'ended', lang: language(o), reason: reason as UssdEnding };
    }
    default:
      return fail(`unknown screen ${String(o['at'])}`);
  }
}
