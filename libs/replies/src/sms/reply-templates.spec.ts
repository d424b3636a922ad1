import { longestGeographyValues } from '@parchee/roll';
import { DataCoding, gsm7SeptetCount, segmentForSms } from '@parchee/smpp';
import { renderReply, type ReplyInput, type VoterDetails } from './reply-templates';
import type { InvalidReason } from '@parchee/contracts';

/** Three concatenated parts: 3 x 67 UCS-2 characters, 3 x 153 GSM 7-bit septets (after the UDH). */
const UCS2_THREE_PARTS = 201;
const GSM7_THREE_PARTS = 459;
const INVALID_REASONS: InvalidReason[] = ['empty', 'no_number', 'wrong_length', 'bad_region', 'several_numbers'];

const voter: VoterDetails = {
  blockCode: '123456789',
  serialNo: 412,
  familyNo: 87,
  areaUr: 'گلبرگ',
  areaEn: 'Gulberg',
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور شہر',
  tehsilEn: 'Lahore City',
  na: 'NA-120',
  pa: 'PP-150',
  stationNo: 37,
  stationUr: 'گورنمنٹ بوائز پرائمری سکول نمبر 2',
  stationEn: 'Govt. Boys Primary School No. 2',
};

describe('renderReply', () => {
  it('shows every roll field a voter needs at the polling station, in Urdu', () => {
    const { text, kind } = renderReply({ kind: 'found', voter }, 'ur');
    expect(kind).toBe('found');
    for (const field of ['123456789', '412', '87', 'گلبرگ', 'لاہور', 'NA-120', 'PP-150', '37', voter.stationUr]) {
      expect(text).toContain(field);
    }
  });

  it('shows the same fields in English when asked', () => {
    const { text } = renderReply({ kind: 'found', voter }, 'en');
    for (const field of ['123456789', '412', '87', 'Gulberg', 'Lahore', 'NA-120', 'PP-150', '37', voter.stationEn]) {
      expect(text).toContain(field);
    }
  });

  it('never puts the name or the CNIC in a reply', () => {
    const { text } = renderReply({ kind: 'found', voter }, 'ur');
    expect(text).not.toMatch(/\d{13}/);
  });

  it('shows the format and an example in every invalid-input reply', () => {
    for (const reason of ['empty', 'no_number', 'wrong_length', 'bad_region', 'several_numbers'] as const) {
      expect(renderReply({ kind: 'invalid', reason }, 'ur').text).toContain('3520212345671');
      expect(renderReply({ kind: 'invalid', reason }, 'en').text).toContain('13-digit');
    }
  });

  it('gives the helpline when the CNIC is not on the roll', () => {
    expect(renderReply({ kind: 'not_found' }, 'ur').text).toContain('051-111-327-111');
    expect(renderReply({ kind: 'not_found' }, 'en').text).toContain('051-111-327-111');
  });

  it('fits every Urdu template in three UCS-2 parts with typical values', () => {
    for (const input of [{ kind: 'found', voter } as const, { kind: 'not_found' } as const, { kind: 'help' } as const, { kind: 'busy' } as const]) {
      expect(renderReply(input, 'ur').text.length).toBeLessThanOrEqual(201);
    }
  });
});

describe('renderReply with the longest real values', () => {
  const longest = longestGeographyValues();
  // Widest numbers: a 9-digit census block, serials and families far past any real block, and a
  // station number as wide as the generator's per-tehsil numbering reaches for a full roll.
  const widest: VoterDetails = {
    blockCode: '999999999',
    serialNo: 999_999,
    familyNo: 99_999,
    areaUr: longest.areaUr,
    areaEn: longest.areaEn,
    districtUr: longest.districtUr,
    districtEn: longest.districtEn,
    tehsilUr: longest.tehsilUr,
    tehsilEn: longest.tehsilEn,
    na: longest.na,
    pa: longest.pa,
    stationNo: 9999,
    stationUr: longest.stationUr,
    stationEn: longest.stationEn,
  };
  // The same, with a station whose name does not repeat the area, so the area line is said in full.
  const stationWithoutArea: VoterDetails = {
    ...widest,
    stationUr: longest.stationUr.slice(0, longest.stationUr.indexOf('، ')),
    stationEn: longest.stationEn.slice(0, longest.stationEn.indexOf(', ')),
  };
  const inputs: Array<[string, ReplyInput]> = [
    ['found', { kind: 'found', voter: widest }],
    ['found, station not named after the area', { kind: 'found', voter: stationWithoutArea }],
    ['not_found', { kind: 'not_found' }],
    ...INVALID_REASONS.map((reason): [string, ReplyInput] => [`invalid ${reason}`, { kind: 'invalid', reason }]),
    ['help', { kind: 'help' }],
    ['busy', { kind: 'busy' }],
    ['rate_limited', { kind: 'rate_limited' }],
    ['enumeration', { kind: 'enumeration' }],
  ];

  it('takes the longest names and seat codes from the generator tables', () => {
    expect(longest).toMatchObject({ na: 'NA-266', pa: 'PP-297', districtEn: 'Shaheed Benazirabad' });
    expect(longest.stationUr.length).toBeGreaterThan(60);
  });

  it.each(inputs)('fits %s in three UCS-2 parts in Urdu', (_name, input) => {
    expect(renderReply(input, 'ur').text.length).toBeLessThanOrEqual(UCS2_THREE_PARTS);
  });

  it.each(inputs)('fits %s in three parts in English', (_name, input) => {
    const text = renderReply(input, 'en').text;
    const septets = gsm7SeptetCount(text);
    if (septets < 0) expect(text.length).toBeLessThanOrEqual(UCS2_THREE_PARTS);
    else expect(septets).toBeLessThanOrEqual(GSM7_THREE_PARTS);
  });

  it('keeps every field of the longest voter in both languages', () => {
    const ur = renderReply({ kind: 'found', voter: widest }, 'ur').text;
    const en = renderReply({ kind: 'found', voter: widest }, 'en').text;
    for (const field of ['999999999', '999999', '99999', '9999', widest.areaUr, widest.tehsilUr, widest.districtUr, 'NA-266', 'PP-297', widest.stationUr]) {
      expect(ur).toContain(field);
    }
    for (const field of ['999999999', '999999', '99999', '9999', widest.areaEn, widest.tehsilEn, widest.districtEn, 'NA-266', 'PP-297', widest.stationEn]) {
      expect(en).toContain(field);
    }
  });

  it('says the area once when the polling station is named after it, and in full when it is not', () => {
    const once = renderReply({ kind: 'found', voter: widest }, 'ur').text;
    expect(once.split(widest.areaUr)).toHaveLength(2);
    const apart = renderReply({ kind: 'found', voter: stationWithoutArea }, 'en').text;
    expect(apart).toContain(`${widest.areaEn}, ${widest.tehsilEn}, ${widest.districtEn}`);
  });
});

describe('renderReply for refused lookups', () => {
  it.each([['rate_limited'], ['enumeration']] as const)('answers %s politely, with the helpline and no roll field, as kind "refused"', (reason) => {
    for (const lang of ['ur', 'en'] as const) {
      const { text, kind } = renderReply({ kind: reason }, lang);
      expect(kind).toBe('refused');
      expect(text).toContain('051-111-327-111');
      expect(text).not.toMatch(/NA-|PP-|\d{13}/);
    }
  });
});

describe('renderReply for blocks without an assembly seat', () => {
  it('leaves out a missing provincial assembly instead of printing "null"', () => {
    const islamabad = { ...voter, pa: null };
    expect(renderReply({ kind: 'found', voter: islamabad }, 'en').text).not.toContain('null');
    expect(renderReply({ kind: 'found', voter: islamabad }, 'en').text).toContain('NA-120');
  });
});

describe('renderReply with a roll name typed with look-alike characters', () => {
  // As a roll typed in a word processor spells it: a typographic apostrophe, an en dash, a no-break space.
  const typed: VoterDetails = { ...voter, stationEn: 'Govt. Girls\u2019 Higher Secondary School No.\u00a02 \u2013 Gulberg III' };

  it('goes out in English as one or two GSM 7-bit parts, as egress segments it, not three UCS-2 parts', () => {
    const { text } = renderReply({ kind: 'found', voter: typed }, 'en');
    expect(text).toContain(typed.stationEn);
    expect(segmentForSms(text, { reference: 1 })).toMatchObject({ dataCoding: DataCoding.UCS2, segments: { length: 3 } });
    const sent = segmentForSms(text, { reference: 1, gsm7LookAlikes: true });
    expect(sent.dataCoding).toBe(DataCoding.DEFAULT);
    expect(sent.segments.length).toBeLessThanOrEqual(2);
  });

  it('leaves the Urdu reply of the same voter in UCS-2', () => {
    const { text } = renderReply({ kind: 'found', voter: typed }, 'ur');
    expect(segmentForSms(text, { reference: 1, gsm7LookAlikes: true }).dataCoding).toBe(DataCoding.UCS2);
  });
});
