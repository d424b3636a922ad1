import { createHmac, randomBytes } from 'node:crypto';
import { HmacSha256 } from './hmac-sha256';

function reference(key: Buffer | string, ...parts: Array<string | Buffer>): Buffer {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

describe('HmacSha256', () => {
  it('gives the RFC 4231 test case 2 digest', () => {
    const mac = new HmacSha256('Jefe');
    expect(mac.digest('what do ya want ', 'for nothing?').toString('hex')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('agrees with createHmac for keys shorter than, equal to and longer than a block, and messages of any length', () => {
    for (const keyLength of [16, 32, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      const mac = new HmacSha256(key);
      for (const messageLength of [0, 1, 13, 55, 56, 64, 300, 5000]) {
        const buf = randomBytes(messageLength);
        expect(mac.digest('label:', buf, 'تین')).toEqual(reference(key, 'label:', buf, 'تین'));
      }
    }
  });

  it('gives the same digest twice in a row and after a longer message grew its buffer', () => {
    const mac = new HmacSha256('a-test-pepper-of-32-bytes-length');
    const short = mac.digest('msisdn:', '923001234567');
    mac.digest('x'.repeat(10_000));
    expect(mac.digest('msisdn:', '923001234567')).toEqual(short);
    expect(short).toEqual(reference('a-test-pepper-of-32-bytes-length', 'msisdn:923001234567'));
  });

  it('returns a digest the next call does not overwrite', () => {
    const mac = new HmacSha256(randomBytes(32));
    const first = mac.digest('a');
    const copy = Buffer.from(first);
    mac.digest('b');
    expect(first).toEqual(copy);
  });
});
