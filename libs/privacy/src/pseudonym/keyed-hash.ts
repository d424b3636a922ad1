import { createHmac } from 'node:crypto';

/**
 * Keyed hashes (HMAC-SHA-256 with a secret pepper) stand in for CNICs and MSISDNs everywhere past
 * the edge: the roll is keyed by them, and so are cache keys and audit rows. Without the pepper a
 * 13-digit number space is small enough to brute-force a plain hash, which is why it is keyed.
 */
export class KeyedHasher {
  private readonly pepper: Buffer;

  constructor(pepper: Buffer | string) {
    this.pepper = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : Buffer.from(pepper);
    if (this.pepper.length < 16) {
      throw new Error('pepper must be at least 16 bytes');
    }
  }

  /** HMAC of a normalised 13-digit CNIC; 32 bytes. Domain-separated from MSISDN hashes. */
  cnic(cnic13: string): Buffer {
    return this.digest('cnic:', cnic13);
  }

  /** HMAC of an MSISDN in international form without '+', e.g. 923001234567; 32 bytes. */
  msisdn(msisdn: string): Buffer {
    return this.digest('msisdn:', msisdn);
  }

  /** Short, URL- and key-safe text form of a hash (base64url, 43 characters). */
  static text(hash: Buffer): string {
    return hash.toString('base64url');
  }

  private digest(domain: string, value: string): Buffer {
    return createHmac('sha256', this.pepper).update(domain).update(value).digest();
  }
}
