import { decodeVoterRecord, encodeVoterRecord } from './voter-record-codec';
import { VoterRecord } from './voter-record';

const record: VoterRecord = {
  serialNo: 412,
  familyNo: 97,
  gender: 'F',
  blockCode: '137000001',
  areaUr: 'محلہ اسلام پورہ',
  areaEn: 'Mohalla Islampura',
  districtUr: 'لاہور',
  districtEn: 'Lahore',
  tehsilUr: 'لاہور سٹی',
  tehsilEn: 'Lahore City',
  na: 'NA-120',
  pa: 'PP-150',
  stationNo: 33,
  stationUr: 'گورنمنٹ گرلز ہائی سکول نمبر 2، محلہ اسلام پورہ',
  stationEn: 'Govt. Girls High School No. 2, Mohalla Islampura',
};

describe('voter record cache encoding', () => {
  it('decodes exactly what it encoded, Urdu included', () => {
    const encoded = encodeVoterRecord(record);
    expect(encoded).not.toBeNull();
    expect(decodeVoterRecord(encoded as string)).toEqual(record);
  });

  it('keeps missing NA and PA seats as null', () => {
    const gb = { ...record, na: null, pa: 'GBA-2' };
    const ict = { ...record, na: 'NA-47', pa: null };
    expect(decodeVoterRecord(encodeVoterRecord(gb) as string)).toEqual(gb);
    expect(decodeVoterRecord(encodeVoterRecord(ict) as string)).toEqual(ict);
  });

  it('is smaller than the JSON of the same record', () => {
    expect(Buffer.byteLength(encodeVoterRecord(record) as string)).toBeLessThan(Buffer.byteLength(JSON.stringify(record)));
  });

  it('refuses to encode a field holding the separator rather than corrupt the entry', () => {
    expect(encodeVoterRecord({ ...record, areaEn: 'bad\x1fname' })).toBeNull();
  });

  it.each([
    ['the negative marker', '-'],
    ['JSON', JSON.stringify(record)],
    ['another format tag', (encodeVoterRecord(record) as string).replace(/^v1/, 'v9')],
    ['a truncated value', (encodeVoterRecord(record) as string).split('\x1f').slice(0, 10).join('\x1f')],
    ['a bad gender', (encodeVoterRecord(record) as string).replace('\x1fF\x1f', '\x1fX\x1f')],
    ['a non-numeric serial', (encodeVoterRecord(record) as string).replace('\x1f412\x1f', '\x1fabc\x1f')],
  ])('treats %s as a miss', (_name, value) => {
    expect(decodeVoterRecord(value)).toBeUndefined();
  });
});
