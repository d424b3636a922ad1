import { CnicMatcher } from './cnic-matcher';

const URDU = '۰۱۲۳۴۵۶۷۸۹';
const ARABIC = '٠١٢٣٤٥٦٧٨٩';
const known = '3520212345671';
const matcher = new CnicMatcher([known, '6110198765432']);

describe('the leak scan CNIC matcher', () => {
  it('finds a known CNIC as plain digits, dashed, spaced and inside a longer digit run', () => {
    expect(matcher.find(`{"text":"E ${known}"}`)).toHaveLength(1);
    expect(matcher.find('cnic 35202-1234567-1 sent')).toHaveLength(1);
    expect(matcher.find('cnic 35202 1234567 1 sent')).toHaveLength(1);
    expect(matcher.find(`ref00${known}99`)).toHaveLength(1);
  });

  it('finds a known CNIC typed in Urdu or Arabic-Indic digits', () => {
    const urdu = '35202-1234567-1'.replace(/\d/g, (d) => URDU[Number(d)]);
    const arabic = known.replace(/\d/g, (d) => ARABIC[Number(d)]);
    expect(matcher.find(`E ${urdu}`)).toHaveLength(1);
    expect(matcher.find(arabic)).toHaveLength(1);
  });

  it('ignores numbers that are not in the roll, and masked CNICs', () => {
    expect(matcher.find('3520212345672 35202-*******-1 923001234567')).toEqual([]);
  });

  it('reports a hit only in masked form, with the CNIC masked in its context too', () => {
    const [hit] = matcher.find(`msisdn 923001234567 cnic ${known} done`);
    expect(hit.masked).toBe('35202-*******-1');
    expect(hit.context).not.toContain(known);
    expect(hit.context).toContain('cnic ************* done');
  });
});

describe('the leak scan CNIC matcher, quoting a location', () => {
  it('masks a known CNIC in a location and leaves other text as it is', () => {
    expect(matcher.redact(`parchee:x:${known}`)).toBe('parchee:x:*************');
    expect(matcher.redact('parchee:roll:3:abc')).toBe('parchee:roll:3:abc');
  });
});
