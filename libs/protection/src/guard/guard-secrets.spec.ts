import { createHash, hkdfSync } from 'node:crypto';
import { KeyedHasher } from '@parchee/privacy';
import { GuardSecrets } from './guard-secrets';

const pepper = 'unit-test-pepper-0123456789abcdef';
const hasher = new KeyedHasher(pepper);
const secrets = new GuardSecrets(pepper);
const a = hasher.msisdn('923001234567');
const b = hasher.msisdn('923007654321');
const cnic = hasher.cnic('3520212345671');
const [nearA] = hasher.cnicNeighbourhood('3520212345671', 1000).map((m) => KeyedHasher.text(m));

describe('GuardSecrets', () => {
  it('gives the same CNIC different members for different numbers, and neither equals the roll key', () => {
    const ma = secrets.cnicMember(a, cnic);
    expect(ma).toBe(secrets.cnicMember(a, cnic));
    expect(ma).not.toBe(secrets.cnicMember(b, cnic));
    expect(cnic.toString('base64url')).not.toContain(ma);
    expect(secrets.operatorMember(cnic)).not.toBe(ma);
  });

  it('salts neighbourhood marks per number and per grid, so they match only the same number’s marks', () => {
    const na = secrets.nearMember(a, 'a', nearA);
    expect(na).toBe(secrets.nearMember(a, 'a', nearA));
    expect(na).not.toBe(secrets.nearMember(b, 'a', nearA));
    expect(na).not.toBe(secrets.nearMember(a, 'b', nearA));
    expect(nearA).not.toContain(na);
  });

  it('is SHA-256 of the derived key, the label and the length-prefixed parts, cut to 96 bits', () => {
    const key = Buffer.from(hkdfSync('sha256', Buffer.from(pepper, 'utf8'), Buffer.alloc(0), 'parchee-guard-member-v2', 32));
    const framed = (...parts: Buffer[]) => Buffer.concat(parts.flatMap((p) => [Buffer.from([p.length >> 8, p.length & 0xff]), p]));
    const expected = (label: string, ...parts: Buffer[]) =>
      createHash('sha256')
        .update(key)
        .update(label, 'latin1')
        .update(framed(...parts))
        .digest()
        .subarray(0, 12)
        .toString('base64url');
    expect(secrets.cnicMember(a, cnic)).toBe(expected('m:', a, cnic));
    expect(secrets.nearMember(b, 'b', nearA)).toBe(expected('nb:', b, Buffer.from(nearA, 'base64url')));
    expect(secrets.operatorMember(cnic)).toBe(expected('o:', cnic));
    // The scratch buffer is reused: a long input in between changes nothing for the next one.
    secrets.cnicMember(Buffer.alloc(300, 7), cnic);
    expect(secrets.cnicMember(a, cnic)).toBe(expected('m:', a, cnic));
  });

  it('depends on the pepper', () => {
    expect(new GuardSecrets('another-pepper-0123456789abcdef').cnicMember(a, cnic)).not.toBe(secrets.cnicMember(a, cnic));
  });
});
