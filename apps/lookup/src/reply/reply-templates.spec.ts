import { renderReply, type VoterDetails } from './reply-templates';

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

describe('renderReply for blocks without an assembly seat', () => {
  it('leaves out a missing provincial assembly instead of printing "null"', () => {
    const islamabad = { ...voter, pa: null };
    expect(renderReply({ kind: 'found', voter: islamabad }, 'en').text).not.toContain('null');
    expect(renderReply({ kind: 'found', voter: islamabad }, 'en').text).toContain('NA-120');
  });
});
