import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Set members are truncated HMACs: 96 bits keep collisions out of reach for a handful of CNICs. */
const MEMBER_BYTES = 12;

/**
 * Keys the guard derives from the pepper (HKDF-SHA-256, one label per use), so nothing it writes
 * to Redis can be joined with the roll's `cnic_hash` column or opened without the pepper.
 */
export class GuardSecrets {
  private readonly memberKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(pepper: Buffer | string) {
    const ikm = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : pepper;
    this.memberKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'parchee-guard-member-v1', 32));
    this.sealKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'parchee-guard-seal-v1', 32));
  }

  /**
   * A CNIC as one MSISDN's set member: salted with the MSISDN hash, so the same CNIC asked from
   * two numbers gives two unrelated members, and no member equals a roll key.
   */
  cnicMember(msisdnHash: Buffer, cnicHash: Buffer): string {
    return createHmac('sha256', this.memberKey).update('m:').update(msisdnHash).update(cnicHash).digest().subarray(0, MEMBER_BYTES).toString('base64url');
  }

  /** A CNIC as an operator-wide member (distinct CNICs per operator per minute). */
  operatorMember(cnicHash: Buffer): string {
    return createHmac('sha256', this.memberKey).update('o:').update(cnicHash).digest().subarray(0, MEMBER_BYTES).toString('base64url');
  }

  /** AES-256-GCM, bound to the MSISDN hash (additional data) so a value cannot be moved to another key. */
  seal(plain: string, msisdnHash: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
    cipher.setAAD(msisdnHash);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** Null for anything that does not open (other key, tampered, truncated). */
  open(sealed: string, msisdnHash: Buffer): string | null {
    try {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) return null;
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(msisdnHash);
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
