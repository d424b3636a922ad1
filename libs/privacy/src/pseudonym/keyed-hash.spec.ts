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

  it('names its pepper with a stable id that differs between peppers and does not contain it', () => {
    expect(hasher.id).toMatch(/^[0-9a-f]{16}$/);
    expect(new KeyedHasher('a-test-pepper-of-32-bytes-length').id).toBe(hasher.id);
    expect(new KeyedHasher('another-pepper-of-32-bytes-long!').id).not.toBe(hasher.id);
  });

  it('fingerprints an MO by operator, number, data_coding and bytes, each of which changes it', () => {
    const base = hasher.moContent('jazz', '923001234567', 0, Buffer.from('E 3520212345671'));
    expect(base).toHaveLength(32);
    expect(hasher.moContent('jazz', '923001234567', 0, Buffer.from('E 3520212345671'))).toEqual(base);
    const variants = [
      hasher.moContent('zong', '923001234567', 0, Buffer.from('E 3520212345671')),
      hasher.moContent('jazz', '923001234568', 0, Buffer.from('E 3520212345671')),
      hasher.moContent('jazz', '923001234567', 8, Buffer.from('E 3520212345671')),
      hasher.moContent('jazz', '923001234567', 0, Buffer.from('E 3520212345672')),
      new KeyedHasher('another-pepper-of-32-bytes-long!').moContent('jazz', '923001234567', 0, Buffer.from('E 3520212345671')),
    ];
    for (const v of variants) expect(v).not.toEqual(base);
    expect(KeyedHasher.text(base)).not.toContain('923001234567');
  });

  describe('CNIC neighbourhoods', () => {
    const shared = (a: string, b: string, d = 1000) => {
      const [a1, a2] = hasher.cnicNeighbourhood(a, d);
      const [b1, b2] = hasher.cnicNeighbourhood(b, d);
      return a1.equals(b1) || a2.equals(b2);
    };

    it.each([
      ['3520212345671', '3520212345672'],
      ['3520212345999', '3520212346000'],
      ['3520212345000', '3520212344999'],
      ['3520212344000', '3520212345000'],
      ['3520212345500', '3520212346500'],
    ])('puts %s and %s, at most 1,000 apart, in a shared cell', (a, b) => {
      expect(shared(a, b)).toBe(true);
    });

    it('keeps CNICs more than two cells apart in different cells', () => {
      expect(shared('3520212345671', '3520212349671')).toBe(false);
      expect(shared('3520212345671', '4210112345671')).toBe(false);
    });

    it('finds every step of up to 1,000 across a long walk, and nothing beyond 2,000', () => {
      let start = 3520212340000;
      for (let i = 0; i < 2000; i++) {
        const step = 1 + ((i * 7919) % 1000);
        expect(shared(String(start), String(start + step))).toBe(true);
        expect(shared(String(start), String(start + 2000 + step))).toBe(false);
        start += 997;
      }
    });

    it('gives 16-byte keyed marks that change with the pepper', () => {
      const other = new KeyedHasher('another-pepper-of-32-bytes-long!');
      expect(hasher.cnicNeighbourhood('3520212345671', 1000)[0]).toHaveLength(16);
      expect(other.cnicNeighbourhood('3520212345671', 1000)[0]).not.toEqual(hasher.cnicNeighbourhood('3520212345671', 1000)[0]);
    });
  });
});
