import { RollError } from '../errors/roll-error';
import type { Gender } from '../lookup/voter-record';

/**
 * The import format's rules, one function per file. Each returns either the parsed row or the
 * reason it is rejected; the reason goes to the reject file next to the line number.
 */
export const PROVINCE_VALUES = ['KP', 'FATA', 'Punjab', 'Sindh', 'Balochistan', 'Islamabad', 'GB'] as const;
export type ProvinceValue = (typeof PROVINCE_VALUES)[number];

export const AREA_COLUMNS = [
  'block_code',
  'province',
  'district_en',
  'district_ur',
  'tehsil_en',
  'tehsil_ur',
  'area_name_en',
  'area_name_ur',
  'na',
  'pa',
] as const;
export const STATION_COLUMNS = ['block_code', 'gender', 'station_no', 'name_en', 'name_ur'] as const;
export const VOTER_COLUMNS = ['cnic', 'block_code', 'serial_no', 'family_no', 'gender'] as const;

const BLOCK_CODE = /^[0-9]{6,12}$/;
const NA_SEAT = /^NA-[0-9]{1,3}$/;
const PA_SEAT = /^(PP|PS|PK|PB|GBA)-[0-9]{1,3}$/;
const MAX_TEXT = 200;
// Control characters would break COPY text and the cache encoding; U+FFFD means the file was not UTF-8.
// eslint-disable-next-line no-control-regex
const BAD_TEXT = /[\u0000-\u001f\u007f\ufffd]/;
const MAX_INT4 = 2_147_483_647;

export type Validated<T> = { ok: true; row: T } | { ok: false; reason: string };

export interface AreaRow {
  blockCode: string;
  province: ProvinceValue;
  districtEn: string;
  districtUr: string;
  tehsilEn: string;
  tehsilUr: string;
  areaNameEn: string;
  areaNameUr: string;
  na: string | null;
  pa: string | null;
}

export interface StationRow {
  blockCode: string;
  gender: Gender;
  stationNo: number;
  nameEn: string;
  nameUr: string;
}

/** Maps a header record to column positions; extra columns are ignored, missing ones are fatal. */
export function columnIndexes<C extends string>(file: string, header: string[], columns: readonly C[]): Record<C, number> {
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = columns.filter((c) => !names.includes(c));
  if (missing.length) {
    throw new RollError('ROLL_IMPORT_BAD_HEADER', `${file}: header lacks column(s) ${missing.join(', ')}; expected ${columns.join(',')}`);
  }
  return Object.fromEntries(columns.map((c) => [c, names.indexOf(c)])) as Record<C, number>;
}

/** Smallest field count a row needs to have every column. */
export function requiredWidth(indexes: Record<string, number>): number {
  return Math.max(...Object.values(indexes)) + 1;
}

/** A positive integer that fits PostgreSQL's integer, written in plain digits; NaN otherwise. */
export function parsePositiveInt(s: string): number {
  const n = s.length;
  if (n === 0 || n > 10) return NaN;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v > 0 && v <= MAX_INT4 ? v : NaN;
}

function text(name: string, value: string | undefined): string | { reason: string } {
  const v = (value ?? '').trim();
  if (!v) return { reason: `${name} is empty` };
  if (v.length > MAX_TEXT) return { reason: `${name} is longer than ${MAX_TEXT} characters` };
  if (BAD_TEXT.test(v)) return { reason: `${name} has a control character or invalid UTF-8` };
  return v;
}

export function validateArea(fields: string[], ix: Record<(typeof AREA_COLUMNS)[number], number>): Validated<AreaRow> {
  if (fields.length < requiredWidth(ix)) return { ok: false, reason: `expected ${requiredWidth(ix)} fields, found ${fields.length}` };
  const blockCode = fields[ix.block_code].trim();
  if (!BLOCK_CODE.test(blockCode)) return { ok: false, reason: 'block_code must be 6 to 12 digits' };
  const province = fields[ix.province].trim();
  if (!(PROVINCE_VALUES as readonly string[]).includes(province)) {
    return { ok: false, reason: `province must be one of ${PROVINCE_VALUES.join(', ')}` };
  }
  const values: Record<string, string> = {};
  for (const c of ['district_en', 'district_ur', 'tehsil_en', 'tehsil_ur', 'area_name_en', 'area_name_ur'] as const) {
    const v = text(c, fields[ix[c]]);
    if (typeof v !== 'string') return { ok: false, reason: v.reason };
    values[c] = v;
  }
  const na = fields[ix.na].trim();
  if (na && !NA_SEAT.test(na)) return { ok: false, reason: 'na must look like NA-120 or be empty' };
  const pa = fields[ix.pa].trim();
  if (pa && !PA_SEAT.test(pa)) return { ok: false, reason: 'pa must look like PP-150, PS-1, PK-7, PB-3, GBA-2 or be empty' };
  return {
    ok: true,
    row: {
      blockCode,
      province: province as ProvinceValue,
      districtEn: values.district_en,
      districtUr: values.district_ur,
      tehsilEn: values.tehsil_en,
      tehsilUr: values.tehsil_ur,
      areaNameEn: values.area_name_en,
      areaNameUr: values.area_name_ur,
      na: na || null,
      pa: pa || null,
    },
  };
}

export function validateStation(
  fields: string[],
  ix: Record<(typeof STATION_COLUMNS)[number], number>,
  blockExists: (block: string) => boolean,
): Validated<StationRow> {
  if (fields.length < requiredWidth(ix)) return { ok: false, reason: `expected ${requiredWidth(ix)} fields, found ${fields.length}` };
  const blockCode = fields[ix.block_code].trim();
  if (!BLOCK_CODE.test(blockCode)) return { ok: false, reason: 'block_code must be 6 to 12 digits' };
  if (!blockExists(blockCode)) return { ok: false, reason: 'block_code not in areas' };
  const gender = fields[ix.gender].trim();
  if (gender !== 'M' && gender !== 'F') return { ok: false, reason: 'gender must be M or F' };
  const stationNo = parsePositiveInt(fields[ix.station_no].trim());
  if (Number.isNaN(stationNo)) return { ok: false, reason: 'station_no must be a positive integer' };
  const nameEn = text('name_en', fields[ix.name_en]);
  if (typeof nameEn !== 'string') return { ok: false, reason: nameEn.reason };
  const nameUr = text('name_ur', fields[ix.name_ur]);
  if (typeof nameUr !== 'string') return { ok: false, reason: nameUr.reason };
  return { ok: true, row: { blockCode, gender, stationNo, nameEn, nameUr } };
}

/**
 * CNIC rules from the card itself: 13 digits, first digit a region 1-7. Returns the reason or
 * null. Written as a loop because it runs for every voter of every import.
 */
export function cnicProblem(cnic: string): string | null {
  if (cnic.length !== 13) return 'cnic must be exactly 13 digits';
  for (let i = 0; i < 13; i++) {
    const c = cnic.charCodeAt(i);
    if (c < 48 || c > 57) return 'cnic must be exactly 13 digits';
  }
  const region = cnic.charCodeAt(0) - 48;
  if (region < 1 || region > 7) return 'cnic region digit (first) must be 1-7';
  return null;
}

/** Odd last digit = male, even = female. */
export function genderOfCnic(cnic: string): Gender {
  return (cnic.charCodeAt(12) - 48) % 2 === 1 ? 'M' : 'F';
}

export interface VoterFields {
  cnic: string;
  blockCode: string;
  serialNo: number;
  familyNo: number;
  gender: Gender;
}

/** Validates one voter row. `hasStation` answers whether the block has a station for that gender (which also implies the block exists). */
export function validateVoter(
  cnic: string,
  blockCode: string,
  serial: string,
  family: string,
  gender: string,
  blockExists: (block: string) => boolean,
  hasStation: (block: string, gender: Gender) => boolean,
): Validated<VoterFields> {
  const bad = cnicProblem(cnic);
  if (bad) return { ok: false, reason: bad };
  if (gender !== 'M' && gender !== 'F') return { ok: false, reason: 'gender must be M or F' };
  if (genderOfCnic(cnic) !== gender) return { ok: false, reason: `gender ${gender} contradicts the CNIC's last digit` };
  const serialNo = parsePositiveInt(serial);
  if (Number.isNaN(serialNo)) return { ok: false, reason: 'serial_no must be a positive integer' };
  const familyNo = parsePositiveInt(family);
  if (Number.isNaN(familyNo)) return { ok: false, reason: 'family_no must be a positive integer' };
  if (!blockExists(blockCode)) return { ok: false, reason: 'block_code not in areas' };
  if (!hasStation(blockCode, gender)) return { ok: false, reason: `no polling station for block_code and gender ${gender}` };
  return { ok: true, row: { cnic, blockCode, serialNo, familyNo, gender } };
}
