import { KeyedHasher } from '@parchee/privacy';
import { moRequestFromText } from './mo-request';

describe('moRequestFromText', () => {
  const current = new KeyedHasher('current-pepper-of-32-bytes-long!');
  const next = new KeyedHasher('the-next-pepper-of-32-bytes-long');

  it('replaces the CNIC by its keyed hash under every pepper, labelled by pepper id', () => {
    const request = moRequestFromText('E 35202-1234567-1', [current, next]);
    expect(request).toEqual({
      kind: 'lookup',
      lang: 'en',
      cnic: {
        hashes: { [current.id]: KeyedHasher.text(current.cnic('3520212345671')), [next.id]: KeyedHasher.text(next.cnic('3520212345671')) },
        near: current.cnicNeighbourhood('3520212345671', 1000).map((m) => KeyedHasher.text(m)),
      },
    });
  });

  it('leaves no digit run of the CNIC anywhere in the request', () => {
    const wire = JSON.stringify(moRequestFromText('my cnic is ۳۵۲۰۲۱۲۳۴۵۶۷۱', [current]));
    expect(wire).not.toMatch(/3520212345671|35202-?1234567|۳۵۲۰۲/);
  });

  it('passes help and invalid requests through without hashing anything', () => {
    expect(moRequestFromText('HELP', [current])).toEqual({ kind: 'help', lang: 'ur' });
    expect(moRequestFromText('352021234567', [current])).toEqual({ kind: 'invalid', reason: 'wrong_length', lang: 'ur' });
  });

  it('refuses to run without a pepper', () => {
    expect(() => moRequestFromText('3520212345671', [])).toThrow(/pepper/);
  });
});
