import { hash as oneShotHash, hkdfSync } from 'node:crypto';

/** Members are truncated digests: 96 bits keep collisions out of reach for a handful of CNICs. */
const MEMBER_BYTES = 12;
const KEY_BYTES = 32;

/**
 * The key the guard derives from the pepper (HKDF-SHA-256, its own label), so nothing it writes
 * to Redis can be joined with the roll's `cnic_hash` column, with the MO's marks, or with another
 * number's entries.
 */
export class GuardSecrets {
  /**
   * The member key, then the input: one buffer reused by every call (Node's one event loop never
   * runs two at once). A member is SHA-256(key ‖ label ‖ length-prefixed parts) cut to 96 bits,
   * not an HMAC: four members per lookup made the HMACs' eight SHA-256 calls a large share of the
   * guard's CPU (see docs/benchmarks.md, "Measurements behind code choices"). A secret-prefix
   * hash is a sound PRF here: every input has a fixed layout and the output is truncated, so
   * nobody holding a member can extend it, and members never leave Redis anyway (see
   * docs/protection.md).
   */
  private scratch: Buffer;

  constructor(pepper: Buffer | string) {
    const ikm = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : pepper;
    this.scratch = Buffer.alloc(KEY_BYTES + 128);
    Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'parchee-guard-member-v2', KEY_BYTES)).copy(this.scratch);
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
    return this.digest('o:', cnicHash);
  }

  private member(label: string, msisdnHash: Buffer, value: Buffer): string {
    return this.digest(label, msisdnHash, value);
  }

  private digest(label: string, ...parts: Buffer[]): string {
    let length = KEY_BYTES + label.length;
    for (const p of parts) length += 2 + p.length;
    if (length > this.scratch.length) {
      const grown = Buffer.alloc(2 * length);
      this.scratch.copy(grown, 0, 0, KEY_BYTES);
      this.scratch = grown;
    }
    let at = KEY_BYTES + this.scratch.write(label, KEY_BYTES, 'latin1');
    for (const p of parts) {
      // Each part's length first: two different splits of the same bytes never give one input.
      at = this.scratch.writeUInt16BE(p.length, at);
      at += p.copy(this.scratch, at);
    }
    return oneShotHash('sha256', this.scratch.subarray(0, at), 'buffer').subarray(0, MEMBER_BYTES).toString('base64url');
  }
}
