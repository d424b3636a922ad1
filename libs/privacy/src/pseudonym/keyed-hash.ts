import { HmacSha256 } from './hmac-sha256';

/**
 * Keyed hashes (HMAC-SHA-256 with a secret pepper) stand in for CNICs and MSISDNs everywhere past
 * the edge: the roll is keyed by them, and so are cache keys and audit rows. Without the pepper a
 * 13-digit number space is small enough to brute-force a plain hash, which is why it is keyed.
 */
export class KeyedHasher {
  private readonly mac: HmacSha256;
  /**
   * Which pepper this is, safe to show and to store: 16 hex digits of an HMAC of a fixed label.
   * Roll versions record it, MOs label their CNIC hashes with it, so a rotation can run two
   * peppers side by side and never compare hashes made with different ones.
   */
  readonly id: string;

  constructor(pepper: Buffer | string) {
    const key = typeof pepper === 'string' ? Buffer.from(pepper, 'utf8') : Buffer.from(pepper);
    if (key.length < 16) {
      throw new Error('pepper must be at least 16 bytes');
    }
    this.mac = new HmacSha256(key);
    this.id = this.digest('pepper-id:', 'parchee').subarray(0, 8).toString('hex');
  }

  /**
   * The two cells holding a CNIC in grids of width `2 * distance`, the second offset by
   * `distance`, as 16-byte keyed hashes. Two CNICs at most `distance` apart share a cell in at
   * least one grid (the grids' borders are `distance` apart, so no shorter step crosses both),
   * which lets a scan detector see "close" without ever holding the number.
   */
  cnicNeighbourhood(cnic13: string, distance: number): [Buffer, Buffer] {
    const n = Number(cnic13);
    const width = 2 * distance;
    const a = Math.floor(n / width);
    const b = Math.floor((n + distance) / width);
    return [this.digest(`near-a:${width}:`, String(a)).subarray(0, 16), this.digest(`near-b:${width}:`, String(b)).subarray(0, 16)];
  }

  /** HMAC of a normalised 13-digit CNIC; 32 bytes. Domain-separated from MSISDN hashes. */
  cnic(cnic13: string): Buffer {
    return this.digest('cnic:', cnic13);
  }

  /** HMAC of an MSISDN in international form without '+', e.g. 923001234567; 32 bytes. */
  msisdn(msisdn: string): Buffer {
    return this.digest('msisdn:', msisdn);
  }

  /**
   * HMAC of one MO's content as the SMSC delivered it: operator, MSISDN, data_coding and the
   * message bytes; 32 bytes. Ingress remembers it for a few minutes to recognise an SMSC
   * re-delivery without keeping the number or the text in Redis. Operator and MSISDN carry no
   * newline and the content comes last, so no two different MOs share an input.
   */
  moContent(operator: string, msisdn: string, dataCoding: number, content: Buffer): Buffer {
    return this.mac.digest('mo-content:', `${operator}\n${msisdn}\n${dataCoding}\n`, content);
  }

  /** Short, URL- and key-safe text form of a hash (base64url, 43 characters). */
  static text(hash: Buffer): string {
    return hash.toString('base64url');
  }

  private digest(domain: string, value: string): Buffer {
    return this.mac.digest(domain, value);
  }
}
