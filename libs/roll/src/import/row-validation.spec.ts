import { RollError } from '../errors/roll-error';
import {
  AREA_COLUMNS,
  cnicProblem,
  columnIndexes,
  genderOfCnic,
  parsePositiveInt,
  STATION_COLUMNS,
  validateArea,
  validateStation,
  validateVoter,
  VOTER_COLUMNS,
} from './row-validation';

const areaIx = columnIndexes('areas.csv', [...AREA_COLUMNS], AREA_COLUMNS);
const stationIx = columnIndexes('stations.csv', [...STATION_COLUMNS], STATION_COLUMNS);
const area = (over: Partial<Record<(typeof AREA_COLUMNS)[number], string>> = {}) => {
  const row: Record<string, string> = {
    block_code: '137000001',
    province: 'Punjab',
    district_en: 'Lahore',
    district_ur: 'لاہور',
    tehsil_en: 'Lahore City',
    tehsil_ur: 'لاہور سٹی',
    area_name_en: 'Mohalla Islampura',
    area_name_ur: 'محلہ اسلام پورہ',
    na: 'NA-120',
    pa: 'PP-150',
    ...over,
  };
  return AREA_COLUMNS.map((c) => row[c]);
};

const blocks = new Set(['137000001']);
const blockExists = (b: string) => blocks.has(b);
const hasStation = (b: string, g: 'M' | 'F') => b === '137000001' && g === 'M';
const voter = (cnic: string, block = '137000001', serial = '1', family = '1', gender = 'M') =>
  validateVoter(cnic, block, serial, family, gender, blockExists, hasStation);
const reasonOf = (v: { ok: boolean; reason?: string }) => (v.ok ? null : v.reason);

describe('voter row rules', () => {
  it('accepts a 13-digit CNIC with a region digit and matching gender', () => {
    expect(voter('3520212345671')).toEqual({
      ok: true,
      row: { cnic: '3520212345671', blockCode: '137000001', serialNo: 1, familyNo: 1, gender: 'M' },
    });
  });

  it.each([
    ['352021234567', 'cnic must be exactly 13 digits'],
    ['35202123456711', 'cnic must be exactly 13 digits'],
    ['35202-1234567', 'cnic must be exactly 13 digits'],
    ['3520212345 71', 'cnic must be exactly 13 digits'],
    ['۳520212345671', 'cnic must be exactly 13 digits'],
    ['0520212345671', 'cnic region digit (first) must be 1-7'],
    ['8520212345671', 'cnic region digit (first) must be 1-7'],
  ])('rejects CNIC %s', (cnic, reason) => {
    expect(cnicProblem(cnic)).toBe(reason);
    expect(reasonOf(voter(cnic))).toBe(reason);
  });

  it('reads gender from the last digit: odd male, even female', () => {
    expect(genderOfCnic('3520212345671')).toBe('M');
    expect(genderOfCnic('3520212345679')).toBe('M');
    expect(genderOfCnic('3520212345670')).toBe('F');
    expect(genderOfCnic('3520212345678')).toBe('F');
  });

  it('rejects a gender that contradicts the CNIC, or is not M/F', () => {
    expect(reasonOf(voter('3520212345672', '137000001', '1', '1', 'M'))).toBe("gender M contradicts the CNIC's last digit");
    expect(reasonOf(voter('3520212345671', '137000001', '1', '1', 'm'))).toBe('gender must be M or F');
  });

  it('rejects serial and family numbers that are not positive integers', () => {
    for (const bad of ['0', '-1', '1.5', 'x', '', '2147483648', ' 1']) {
      expect(reasonOf(voter('3520212345671', '137000001', bad))).toBe('serial_no must be a positive integer');
      expect(reasonOf(voter('3520212345671', '137000001', '1', bad))).toBe('family_no must be a positive integer');
    }
  });

  it('rejects a block missing from areas, and a block without a station for the gender', () => {
    expect(reasonOf(voter('3520212345671', '999999999'))).toBe('block_code not in areas');
    expect(reasonOf(voter('3520212345672', '137000001', '1', '1', 'F'))).toBe('no polling station for block_code and gender F');
  });

  it('parses positive int4 values only', () => {
    expect(parsePositiveInt('2147483647')).toBe(2147483647);
    expect(parsePositiveInt('007')).toBe(7);
    expect(parsePositiveInt('2147483648')).toBeNaN();
    expect(parsePositiveInt('+5')).toBeNaN();
  });
});

describe('area row rules', () => {
  it('accepts a full row and trims, with empty seats as null', () => {
    const v = validateArea(area({ district_en: '  Lahore ', pa: '' }), areaIx);
    expect(v).toMatchObject({ ok: true, row: { districtEn: 'Lahore', na: 'NA-120', pa: null, province: 'Punjab' } });
  });

  it.each([
    [{ block_code: '12345' }, 'block_code must be 6 to 12 digits'],
    [{ block_code: '13700000A' }, 'block_code must be 6 to 12 digits'],
    [{ province: 'Kashmir' }, 'province must be one of KP, FATA, Punjab, Sindh, Balochistan, Islamabad, GB'],
    [{ district_ur: ' ' }, 'district_ur is empty'],
    [{ area_name_en: 'Ward\t7' }, 'area_name_en has a control character or invalid UTF-8'],
    [{ tehsil_ur: 'لا\ufffdہور' }, 'tehsil_ur has a control character or invalid UTF-8'],
    [{ area_name_ur: 'x'.repeat(201) }, 'area_name_ur is longer than 200 characters'],
    [{ na: 'NA120' }, 'na must look like NA-120 or be empty'],
    [{ pa: 'XX-1' }, 'pa must look like PP-150, PS-1, PK-7, PB-3, GBA-2 or be empty'],
  ])('rejects %o', (over, reason) => {
    expect(reasonOf(validateArea(area(over), areaIx))).toBe(reason);
  });

  it('rejects a row with too few fields', () => {
    expect(reasonOf(validateArea(['137000001', 'Punjab'], areaIx))).toBe('expected 10 fields, found 2');
  });
});

describe('station row rules', () => {
  const station = (block: string, gender: string, no: string) =>
    validateStation([block, gender, no, 'Govt. Boys School, X', 'گورنمنٹ بوائز سکول'], stationIx, blockExists);

  it('accepts a station of a known block', () => {
    expect(station('137000001', 'F', '12')).toMatchObject({ ok: true, row: { gender: 'F', stationNo: 12 } });
  });

  it('rejects unknown blocks, bad genders and bad station numbers', () => {
    expect(reasonOf(station('137000002', 'M', '1'))).toBe('block_code not in areas');
    expect(reasonOf(station('137000001', 'X', '1'))).toBe('gender must be M or F');
    expect(reasonOf(station('137000001', 'M', '0'))).toBe('station_no must be a positive integer');
  });
});

describe('header mapping', () => {
  it('finds columns in any order and case, ignoring extras', () => {
    const ix = columnIndexes('voters.csv', ['Gender', 'extra', 'CNIC', 'family_no', 'serial_no', 'block_code'], VOTER_COLUMNS);
    expect(ix).toEqual({ cnic: 2, block_code: 5, serial_no: 4, family_no: 3, gender: 0 });
  });

  it('names the missing columns', () => {
    let caught: unknown;
    try {
      columnIndexes('voters.csv', ['cnic', 'block'], VOTER_COLUMNS);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RollError);
    expect((caught as RollError).code).toBe('ROLL_IMPORT_BAD_HEADER');
    expect((caught as RollError).message).toContain('block_code, serial_no, family_no, gender');
  });
});
