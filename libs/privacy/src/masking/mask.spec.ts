import { maskCnic, maskDigitsInText, maskMsisdn } from './mask';

describe('masking', () => {
  it('keeps the region block and the gender digit of a CNIC and hides the rest', () => {
    expect(maskCnic('3520212345671')).toBe('35202-*******-1');
    expect(maskCnic('35202-1234567-1')).toBe('35202-*******-1');
  });

  it('masks a malformed CNIC completely', () => {
    expect(maskCnic('12345')).toBe('*****');
  });

  it('keeps the operator prefix and last two digits of an MSISDN', () => {
    expect(maskMsisdn('923001234567')).toBe('92300*****67');
  });

  it('masks every CNIC and long number inside free text', () => {
    const masked = maskDigitsInText('my cnic 3520212345671 and 35202-7654321-2 phone 923001234567');
    expect(masked).not.toMatch(/1234567|7654321|3001234/);
    expect(masked).toContain('35202-*******-1');
    expect(masked).toContain('35202-*******-2');
  });
});
