import { KeyedHasher } from '@parchee/privacy';
import { GuardSecrets } from './guard-secrets';

const pepper = 'unit-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(pepper);
const secrets = new GuardSecrets(pepper);
const a = hasher.msisdn('923001234567');
const b = hasher.msisdn('923007654321');
const cnic = hasher.cnic('3520212345671');

describe('GuardSecrets', () => {
  it('gives the same CNIC different members for different numbers, and neither equals the roll key', () => {
    const ma = secrets.cnicMember(a, cnic);
    expect(ma).toBe(secrets.cnicMember(a, cnic));
    expect(ma).not.toBe(secrets.cnicMember(b, cnic));
    expect(cnic.toString('base64url')).not.toContain(ma);
    expect(secrets.operatorMember(cnic)).not.toBe(ma);
  });

  it('depends on the pepper', () => {
    expect(new GuardSecrets('another-pepper-0123456789abcdef').cnicMember(a, cnic)).not.toBe(secrets.cnicMember(a, cnic));
  });

  it('seals a value that opens only for the same number and the same pepper', () => {
    const sealed = secrets.seal('3520212345671:0', a);
    expect(sealed).not.toContain('3520212345671');
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('3520212345671');
    expect(secrets.open(sealed, a)).toBe('3520212345671:0');
    expect(secrets.open(sealed, b)).toBeNull();
    expect(new GuardSecrets('another-pepper-0123456789abcdef').open(sealed, a)).toBeNull();
  });

  it('refuses a tampered or truncated value', () => {
    const raw = Buffer.from(secrets.seal('3520212345671:0', a), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(secrets.open(raw.toString('base64url'), a)).toBeNull();
    expect(secrets.open('abc', a)).toBeNull();
  });
});
