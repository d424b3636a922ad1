import { KeyedHasher } from './keyed-hash';
import { BulkCnicHasher } from './bulk-cnic-hasher';

describe('BulkCnicHasher', () => {
  const cnics = ['3520212345671', '4210100000002', '1730199999993', '6110155555554', '7150100000011'];

  it.each([
    ['a short pepper', 'sixteen-byte-pep'],
    ['a 64-byte pepper', 'p'.repeat(64)],
    ['a pepper longer than a SHA-256 block', 'q'.repeat(100)],
    ['a binary pepper', Buffer.from([...Array(40).keys()].map((i) => (i * 37) & 0xff))],
  ])('computes exactly KeyedHasher.cnic with %s', (_name, pepper) => {
    const bulk = new BulkCnicHasher(pepper);
    const reference = new KeyedHasher(pepper);
    for (const cnic of cnics) {
      expect(Buffer.from(bulk.cnicBinary(cnic), 'latin1').equals(reference.cnic(cnic))).toBe(true);
      expect(bulk.cnic(cnic).equals(reference.cnic(cnic))).toBe(true);
    }
  });

  it('returns a new buffer per call, so a batch can hold every digest at once', () => {
    const bulk = new BulkCnicHasher('sixteen-byte-pep');
    const first = bulk.cnic(cnics[0]);
    const second = bulk.cnic(cnics[1]);
    expect(first.equals(new KeyedHasher('sixteen-byte-pep').cnic(cnics[0]))).toBe(true);
    expect(first.equals(second)).toBe(false);
  });

  it('gives different digests for different CNICs and peppers', () => {
    const a = new BulkCnicHasher('sixteen-byte-pep');
    const b = new BulkCnicHasher('sixteen-byte-peq');
    expect(a.cnicBinary(cnics[0])).not.toBe(a.cnicBinary(cnics[1]));
    expect(a.cnicBinary(cnics[0])).not.toBe(b.cnicBinary(cnics[0]));
  });

  it('rejects a pepper shorter than 16 bytes, like KeyedHasher', () => {
    expect(() => new BulkCnicHasher('short')).toThrow(/16 bytes/);
  });
});
