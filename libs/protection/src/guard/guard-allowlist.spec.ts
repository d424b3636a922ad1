import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyedHasher } from '@parchee/privacy';
import { GuardAllowlist, readAllowlistEntries } from './guard-allowlist';

const hasher = new KeyedHasher('unit-test-pepper-0123456789abcdef');

describe('GuardAllowlist', () => {
  it('matches numbers given in clear and given as keyed hashes, by hash', () => {
    const hashed = `hmac:${KeyedHasher.text(hasher.msisdn('923330000002'))}`;
    const list = new GuardAllowlist(['923330000001', hashed], hasher);
    expect(list.has(hasher.msisdn('923330000001'))).toBe(true);
    expect(list.has(hasher.msisdn('923330000002'))).toBe(true);
    expect(list.has(hasher.msisdn('923330000003'))).toBe(false);
    expect(list.size).toBe(2);
  });

  it('refuses an entry that is neither, without echoing it', () => {
    expect(() => new GuardAllowlist(['92-abc-secret'], hasher)).toThrow(
      expect.objectContaining({ code: 'ALLOWLIST_INVALID', message: expect.not.stringContaining('secret') }),
    );
  });

  it('reads entries from the list and from a file with comments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'allowlist-'));
    try {
      const file = join(dir, 'allowlist.txt');
      writeFileSync(file, '# ECP test SIMs\n923330000001\n\n923330000002 # spare\n');
      expect(readAllowlistEntries(' 923330000009 ,', file)).toEqual(['923330000009', '923330000001', '923330000002']);
      expect(readAllowlistEntries(undefined, undefined)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
