import { readFileSync } from 'node:fs';
import { CodedError } from '@parchee/errors';
import { KeyedHasher } from '@parchee/privacy';

const HASHED = /^hmac:([A-Za-z0-9_-]{43})$/;
const MSISDN = /^\d{6,15}$/;

/**
 * ECP's own test numbers, which may look up as many CNICs as they like. Entries are MSISDNs
 * (923001234567) or their keyed hashes (`hmac:<base64url>`, as `KeyedHasher.text(hasher.msisdn(x))`
 * prints them), so the list itself can be kept without a single clear number. Matching is by
 * hash either way.
 */
export class GuardAllowlist {
  private readonly hashes: ReadonlySet<string>;

  constructor(entries: readonly string[], hasher: KeyedHasher) {
    const hashes = new Set<string>();
    for (const raw of entries) {
      const entry = raw.trim();
      const hashed = HASHED.exec(entry);
      if (hashed) hashes.add(hashed[1]);
      else if (MSISDN.test(entry)) hashes.add(KeyedHasher.text(hasher.msisdn(entry)));
      else throw new CodedError('ALLOWLIST_INVALID', `allowlist entry ${hashes.size + 1} is neither an MSISDN nor hmac:<hash>`, { retriable: false });
    }
    this.hashes = hashes;
  }

  get size(): number {
    return this.hashes.size;
  }

  has(msisdnHash: Buffer): boolean {
    return this.hashes.has(KeyedHasher.text(msisdnHash));
  }
}

/** Entries from a comma-separated list and a file (one per line, `#` starts a comment). */
export function readAllowlistEntries(list: string | undefined, file: string | undefined): string[] {
  const entries = (list ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (file) {
    for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
      const entry = line.replace(/#.*$/, '').trim();
      if (entry) entries.push(entry);
    }
  }
  return entries;
}
