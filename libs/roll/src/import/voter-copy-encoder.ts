/**
 * Voter rows in PostgreSQL's binary COPY format. Binary rather than text because the server
 * then neither hex-decodes the 32-byte hash nor parses integers; on two cores the server's share
 * of the work is what bounds the load rate. Column order: cnic_hash bytea, block_code text,
 * serial_no int4, family_no int4, gender char(1).
 */
const SIGNATURE = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00]);
const CHUNK = 1 << 20;
const FIELDS = 5;
/** Everything in a row but the block code. */
const FIXED_ROW_BYTES = 2 + (4 + 32) + 4 + (4 + 4) + (4 + 4) + (4 + 1);

export const VOTER_COPY_COLUMNS = '(cnic_hash, block_code, serial_no, family_no, gender)';

export class VoterCopyEncoder {
  private buf = Buffer.allocUnsafe(CHUNK);
  private off = 0;

  constructor() {
    SIGNATURE.copy(this.buf, 0);
    this.off = SIGNATURE.length;
    this.off = this.buf.writeInt32BE(0, this.off); // flags
    this.off = this.buf.writeInt32BE(0, this.off); // header extension length
  }

  /** True when the caller should `take()` and write before adding more. */
  get full(): boolean {
    return this.off > CHUNK - 256;
  }

  get pending(): number {
    return this.off;
  }

  /** `hash` is the 32-byte digest as a latin1 string; `blockCode` ASCII digits (both validated before). */
  add(hash: string, blockCode: string, serialNo: number, familyNo: number, gender: 'M' | 'F'): void {
    if (this.off + FIXED_ROW_BYTES + blockCode.length > this.buf.length) this.grow(FIXED_ROW_BYTES + blockCode.length);
    const b = this.buf;
    let o = this.off;
    o = b.writeInt16BE(FIELDS, o);
    o = b.writeInt32BE(32, o);
    for (let i = 0; i < 32; i++) b[o + i] = hash.charCodeAt(i);
    o += 32;
    o = b.writeInt32BE(blockCode.length, o);
    for (let i = 0; i < blockCode.length; i++) b[o + i] = blockCode.charCodeAt(i);
    o += blockCode.length;
    o = b.writeInt32BE(4, o);
    o = b.writeInt32BE(serialNo, o);
    o = b.writeInt32BE(4, o);
    o = b.writeInt32BE(familyNo, o);
    o = b.writeInt32BE(1, o);
    b[o++] = gender === 'M' ? 0x4d : 0x46;
    this.off = o;
  }

  /** The bytes so far; the encoder continues into a fresh buffer (the stream keeps the old one). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.off);
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.off = 0;
    return out;
  }

  /** The last bytes, with the end-of-data marker. */
  finish(): Buffer {
    if (this.off + 2 > this.buf.length) this.grow(2);
    this.off = this.buf.writeInt16BE(-1, this.off);
    return this.take();
  }

  private grow(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.off + need));
    this.buf.copy(next, 0, 0, this.off);
    this.buf = next;
  }
}

/** Escapes a value for COPY text format (areas and stations: small files, readable SQL). */
export function copyText(value: string | number | null): string {
  if (value === null) return '\\N';
  const s = String(value);
  return /[\\\t\n\r]/.test(s) ? s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : s;
}
