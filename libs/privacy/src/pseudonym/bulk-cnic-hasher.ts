import { createHash, hash as oneShotHash } from 'node:crypto';
import { KeyedHasher } from './keyed-hash';

const BLOCK = 64;
const DOMAIN = 'cnic:';
const SELF_TEST = ['3520212345671', '4210198765432', '6110100000000', '7150199999999'];

/**
 * The same HMAC-SHA-256 as `KeyedHasher.cnic`, computed with two one-shot SHA-256 calls over
 * preallocated buffers (RFC 2104 written out), returning the digest as a 32-character binary
 * (latin1) string. On a 10-million-row import the hash was the largest cost, and most of it was
 * allocating a Buffer per digest (`createHmac` also re-derives the padded keys every call): this
 * form is much faster (see docs/benchmarks.md, "Measurements behind code choices"). The
 * constructor checks it against `KeyedHasher`, so the two can never silently disagree: an
 * import must produce exactly the hashes lookups compute.
 * Lookup uses it too (`cnic`), one call per CNIC request. Not safe to share across worker threads
 * (the buffers are reused), which Node's single event loop never does.
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
      const expected = reference.cnic(cnic);
      if (!Buffer.from(this.cnicBinary(cnic), 'latin1').equals(expected) || !this.cnic(cnic).equals(expected)) {
        throw new Error('BulkCnicHasher disagrees with KeyedHasher.cnic; refusing to hash CNICs differently');
      }
    }
  }

  /** Same as `KeyedHasher.cnic(cnic13)`: the 32-byte digest. `cnic13` must be 13 ASCII digits (validated before). */
  cnic(cnic13: string): Buffer {
    this.fillInner(cnic13);
    const innerDigest = oneShotHash('sha256', this.inner, 'buffer');
    innerDigest.copy(this.outer, BLOCK);
    return oneShotHash('sha256', this.outer, 'buffer');
  }

  /** `cnic13` must be 13 ASCII digits (validated before). The digest as 32 latin1 characters. */
  cnicBinary(cnic13: string): string {
    const inner = this.inner;
    const outer = this.outer;
    this.fillInner(cnic13);
    const innerDigest = oneShotHash('sha256', inner, 'binary');
    for (let i = 0; i < 32; i++) outer[BLOCK + i] = innerDigest.charCodeAt(i);
    return oneShotHash('sha256', outer, 'binary');
  }

  private fillInner(cnic13: string): void {
    const inner = this.inner;
    const at = this.cnicAt;
    // Byte loops: Buffer#write with an encoding argument costs more than these 13 stores.
    for (let i = 0; i < 13; i++) inner[at + i] = cnic13.charCodeAt(i);
  }
}
