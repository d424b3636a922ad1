import { createHash, hash as oneShotHash } from 'node:crypto';

const BLOCK = 64;
const DIGEST = 32;

/**
 * HMAC-SHA-256 under one fixed key, written out as RFC 2104 over two one-shot SHA-256 calls on
 * buffers kept between calls. `createHmac` builds a native object, re-derives the padded keys and
 * allocates on every call: at several hashes per MO (MSISDN hash, guard members, audit) that was
 * a sizeable share of lookup's CPU (see docs/benchmarks.md, "Measurements behind code choices").
 * Same digests (checked in its spec against `createHmac`).
 * Not safe to share across worker threads (the scratch buffer is reused); Node's one event loop
 * never runs two calls at once.
 */
export class HmacSha256 {
  /** ipad-xored key, then the message: grows when a message does not fit. */
  private inner: Buffer;
  /** opad-xored key, then the inner digest. */
  private readonly outer = Buffer.alloc(BLOCK + DIGEST);
  private readonly ipad = Buffer.alloc(BLOCK);

  constructor(key: Buffer | string) {
    let k = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (k.length > BLOCK) k = createHash('sha256').update(k).digest();
    for (let i = 0; i < BLOCK; i++) {
      const b = i < k.length ? k[i] : 0;
      this.ipad[i] = b ^ 0x36;
      this.outer[i] = b ^ 0x5c;
    }
    this.inner = Buffer.alloc(BLOCK + 256);
    this.ipad.copy(this.inner);
  }

  /** The 32-byte HMAC of the parts concatenated (strings as UTF-8). */
  digest(...parts: ReadonlyArray<string | Buffer>): Buffer {
    let length = BLOCK;
    for (const p of parts) length += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
    if (length > this.inner.length) {
      this.inner = Buffer.alloc(Math.max(length, 2 * this.inner.length));
      this.ipad.copy(this.inner);
    }
    let at = BLOCK;
    for (const p of parts) at += typeof p === 'string' ? this.inner.write(p, at, 'utf8') : p.copy(this.inner, at);
    const innerDigest = oneShotHash('sha256', this.inner.subarray(0, at), 'buffer');
    innerDigest.copy(this.outer, BLOCK);
    return oneShotHash('sha256', this.outer, 'buffer');
  }
}
