import { hkdfSync } from 'node:crypto';
import { HmacSha256 } from '@parchee/privacy';

/** Set members are truncated HMACs: 96 bits keep collisions out of reach for a handful of CNICs. */
const MEMBER_BYTES = 12;

/**
 * The key the guard derives from the pepper (HKDF-SHA-256, its own label), so nothing it writes
 * to Redis can be joined with the roll's `cnic_hash` column, with the MO's marks, or with another
 * number's entries.
 */
export class GuardSecrets {
  /** HMAC under the member key: several per request, so not a `createHmac` each (see HmacSha256). */
  private readonly memberMac: HmacSha256;

  constructor(pepper: Buffer | string) {
    const ikm = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : pepper;
    this.memberMac = new HmacSha256(Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'parchee-guard-member-v1', 32)));
  }

  /**
   * A CNIC as one MSISDN's set member: salted with the MSISDN hash, so the same CNIC asked from
   * two numbers gives two unrelated members, and no member equals a roll key.
   */
  cnicMember(msisdnHash: Buffer, cnicHash: Buffer): string {
    return this.member('m:', msisdnHash, cnicHash);
  }

  /**
   * A neighbourhood mark from the MO (grid `a` or `b`), salted the same way: the scan state of
   * one number cannot be compared with another's, nor with the marks on Kafka.
   */
  nearMember(msisdnHash: Buffer, grid: 'a' | 'b', mark: string): string {
    return this.member(`n${grid}:`, msisdnHash, Buffer.from(mark, 'base64url'));
  }

  /** A CNIC as an operator-wide member (distinct CNICs per operator per minute). */
  operatorMember(cnicHash: Buffer): string {
    return this.memberMac.digest('o:', cnicHash).subarray(0, MEMBER_BYTES).toString('base64url');
  }

  private member(label: string, msisdnHash: Buffer, value: Buffer): string {
    return this.memberMac.digest(label, msisdnHash, value).subarray(0, MEMBER_BYTES).toString('base64url');
  }
}
