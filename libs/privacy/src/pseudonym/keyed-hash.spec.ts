import { KeyedHasher } from './keyed-hash';

describe('KeyedHasher', () => {
  const hasher = new KeyedHasher('a-test-pepper-of-32-bytes-length');

  it('gives the same 32-byte hash for the same CNIC', () => {
    expect(hasher.cnic('3520212345671')).toEqual(hasher.cnic('3520212345671'));
    expect(hasher.cnic('3520212345671')).toHaveLength(32);
  });

  it('gives different hashes under a different pepper', () => {
    const other = new KeyedHasher('another-pepper-of-32-bytes-long!');
    expect(other.cnic('3520212345671')).not.toEqual(hasher.cnic('3520212345671'));
  });

  it('separates CNIC and MSISDN domains even for equal digits', () => {
    expect(hasher.cnic('923001234567')).not.toEqual(hasher.msisdn('923001234567'));
  });

  it('refuses a pepper too short to resist brute force', () => {
    expect(() => new KeyedHasher('short')).toThrow(/at least 16 bytes/);
  });
});
