import { SealingKey } from './sealing-key';

const PEPPER = 'unit-test-pepper-0123456789abcdef';
const text = Buffer.from('E 35202-1234567-1 mera shanakhti card', 'utf8');

describe('SealingKey', () => {
  const key = SealingKey.fromPepper(PEPPER, 'parchee-mo-parts-v1');

  it('opens what it sealed under the same context', () => {
    expect(key.open(key.seal(text, 'jazz:abc:udh8:7:1'), 'jazz:abc:udh8:7:1')).toEqual(text);
    expect(key.open(key.seal(Buffer.alloc(0), 'c'), 'c')).toEqual(Buffer.alloc(0));
  });

  it('never shows the text: the sealed value holds neither the CNIC nor any word of it, and differs each time', () => {
    const a = key.seal(text, 'ctx');
    const b = key.seal(text, 'ctx');
    expect(a.equals(b)).toBe(false);
    for (const sealed of [a, b]) {
      for (const form of [sealed.toString('latin1'), sealed.toString('base64'), sealed.toString('hex')]) {
        expect(form).not.toMatch(/3520212345671|35202-1234567|shanakhti/);
      }
    }
    expect(a.length).toBe(12 + text.length + 16);
  });

  it('refuses a value moved to another context, altered, or cut short', () => {
    const sealed = key.seal(text, 'jazz:abc:udh8:7:1');
    expect(() => key.open(sealed, 'jazz:abc:udh8:7:2')).toThrow();
    const altered = Buffer.from(sealed);
    altered[14] ^= 0x01;
    expect(() => key.open(altered, 'jazz:abc:udh8:7:1')).toThrow();
    expect(() => key.open(sealed.subarray(0, 20), 'jazz:abc:udh8:7:1')).toThrow();
  });

  it('derives a key of its own per pepper and per label', () => {
    const sealed = key.seal(text, 'ctx');
    expect(() => SealingKey.fromPepper('another-pepper-0123456789abcdef', 'parchee-mo-parts-v1').open(sealed, 'ctx')).toThrow();
    expect(() => SealingKey.fromPepper(PEPPER, 'parchee-other-v1').open(sealed, 'ctx')).toThrow();
    expect(SealingKey.fromPepper(PEPPER, 'parchee-mo-parts-v1').open(sealed, 'ctx')).toEqual(text);
  });

  it('refuses a pepper shorter than 16 bytes', () => {
    expect(() => SealingKey.fromPepper('short', 'label')).toThrow(/16 bytes/);
  });
});
