import { createHash, hash as oneShotHash } from 'node:crypto';
import { KeyedHasher } from '@parchee/privacy';

const BLOCK = 64;
const DOMAIN = 'cnic:';
const SELF_TEST = ['3520212345671', '4210198765432', '6110100000000', '7150199999999'];

/**
 * The same HMAC-SHA-256 as `KeyedHasher.cnic`, computed with two one-shot SHA-256 calls over
 * preallocated buffers (RFC 2104 written out), returning the digest as a 32-character binary
 * (latin1) string. On a 10-million-row import the hash was the largest cost, and most of it was
 * allocating a Buffer per digest (`createHmac` also re-derives the padded keys every call): this
 * form runs about 2.5 times faster. The constructor checks it against `KeyedHasher`, so the two
 * can never silently disagree: an import must produce exactly the hashes lookups compute.
 */
export class BulkCnicHasher {
  private readonly inner: Buffer;
  private readonly outer: Buffer;
  private readonly cnicAt: number;

  constructor(pepper: Buffer | string) {
    const reference = new KeyedHasher(pepper);
    let key = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : Buffer.from(pepper);
    if (key.length > BLOCK) key = createHash('sha256').update(key).digest();
    this.inner = Buffer.alloc(BLOCK + DOMAIN.length + 13);
    this.outer = Buffer.alloc(BLOCK + 32);
    for (let i = 0; i < BLOCK; i++) {
      const k = i < key.length ? key[i] : 0;
      this.inner[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
    this.inner.write(DOMAIN, BLOCK, 'latin1');
    this.cnicAt = BLOCK + DOMAIN.length;
    for (const cnic of SELF_TEST) {
      if (!Buffer.from(this.cnicBinary(cnic), 'latin1').equals(reference.cnic(cnic))) {
        throw new Error('BulkCnicHasher disagrees with KeyedHasher.cnic; refusing to import with a different hash');
      }
    }
  }

  /** `cnic13` must be 13 ASCII digits (validated before). The digest as 32 latin1 characters. */
  cnicBinary(cnic13: string): string {
    const inner = this.inner;
    const outer = this.outer;
    const at = this.cnicAt;
    // Byte loops: Buffer#write with an encoding argument costs more than these 45 stores.
    for (let i = 0; i < 13; i++) inner[at + i] = cnic13.charCodeAt(i);
    const innerDigest = oneShotHash('sha256', inner, 'binary');
    for (let i = 0; i < 32; i++) outer[BLOCK + i] = innerDigest.charCodeAt(i);
    return oneShotHash('sha256', outer, 'binary');
  }
}
