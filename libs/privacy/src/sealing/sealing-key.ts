import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Authenticated encryption (AES-256-GCM) for data that has to wait somewhere shared, Redis
 * above all, and may hold a CNIC: the parts of a concatenated MO. The key is derived from the
 * pepper with HKDF-SHA-256 under a label of the caller's, so it is never the pepper itself, each
 * use has its own, and no new secret has to be distributed.
 *
 * A sealed value is `IV (12 octets) ‖ ciphertext ‖ tag (16 octets)`, with a random IV each time.
 * `context` is authenticated with it (GCM's additional data): a value opens only under the
 * context it was sealed with, so one copied to another key or slot is refused, not misread.
 */
export class SealingKey {
  private readonly key: Buffer;

  private constructor(key: Buffer) {
    this.key = key;
  }

  /** The key for `label` (e.g. `parchee-mo-parts-v1`) under this pepper. */
  static fromPepper(pepper: Buffer | string, label: string): SealingKey {
    const ikm = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : pepper;
    if (ikm.length < 16) throw new Error('pepper must be at least 16 bytes');
    return new SealingKey(Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), label, KEY_BYTES)));
  }

  seal(plain: Buffer, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, body, cipher.getAuthTag()]);
  }

  /** The plain value; throws when `sealed` was not sealed by this key under this context, or was altered. */
  open(sealed: Buffer, context: string): Buffer {
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('sealed value too short');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]);
  }
}
