import { normaliseDigits, parseRequest } from './request-parser';

describe('parseRequest', () => {
  it('reads a bare 13-digit CNIC and answers in Urdu by default', () => {
    expect(parseRequest('3520212345671')).toEqual({ kind: 'lookup', cnic: '3520212345671', lang: 'ur' });
  });

  it.each([['35202-1234567-1'], ['35202 1234567 1'], ['  3520212345671  '], ['my cnic is 35202-1234567-1 please'], ['CNIC: 35202.1234567.1']])(
    'reads the CNIC typed as %p',
    (text) => {
      expect(parseRequest(text)).toMatchObject({ kind: 'lookup', cnic: '3520212345671' });
    },
  );

  it('reads Urdu digits', () => {
    expect(parseRequest('۳۵۲۰۲۱۲۳۴۵۶۷۱')).toMatchObject({ kind: 'lookup', cnic: '3520212345671' });
  });

  it('reads Arabic-Indic digits', () => {
    expect(parseRequest('٣٥٢٠٢١٢٣٤٥٦٧١')).toMatchObject({ kind: 'lookup', cnic: '3520212345671' });
  });

  it.each([['E 3520212345671'], ['ENG 3520212345671'], ['eng 35202-1234567-1'], ['English 3520212345671']])('answers in English when asked: %p', (text) => {
    expect(parseRequest(text)).toEqual({ kind: 'lookup', cnic: '3520212345671', lang: 'en' });
  });

  it.each([['HELP'], ['help'], ['مدد'], ['?'], ['HELP?'], ['help!'], ['مدد؟'], ['??']])('understands %p as a request for help', (text) => {
    expect(parseRequest(text)).toMatchObject({ kind: 'help' });
  });

  it('answers help in English for "E HELP"', () => {
    expect(parseRequest('E HELP')).toEqual({ kind: 'help', lang: 'en' });
  });

  it('rejects empty text', () => {
    expect(parseRequest('   ')).toMatchObject({ kind: 'invalid', reason: 'empty' });
  });

  it('rejects letters only', () => {
    expect(parseRequest('what is my polling station')).toMatchObject({ kind: 'invalid', reason: 'no_number' });
  });

  it.each([['0'], ['352021234567'], ['35202123456712'], ['123']])('rejects %p for its length', (text) => {
    expect(parseRequest(text)).toMatchObject({ kind: 'invalid', reason: 'wrong_length' });
  });

  it.each([['0520212345671'], ['8520212345671'], ['9999999999999']])('rejects %p for an impossible region digit', (text) => {
    expect(parseRequest(text)).toMatchObject({ kind: 'invalid', reason: 'bad_region' });
  });

  it('rejects several CNICs in one message', () => {
    expect(parseRequest('3520212345671 3520212345672')).toMatchObject({ kind: 'invalid', reason: 'several_numbers' });
    expect(parseRequest('3520212345671, 4210112345672')).toMatchObject({ kind: 'invalid', reason: 'several_numbers' });
  });

  it('normalises mixed digit scripts', () => {
    expect(normaliseDigits('۱2٣')).toBe('123');
  });
});
