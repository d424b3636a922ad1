import { decodeMo, decodeMt, encodeMessage, mtIdFor } from './message-codec';
import type { MoMessageV2 } from '../messages/mo-message';
import type { MtMessageV1 } from '../messages/mt-message';

const HASH = 'q7Xg3mJ0lK9vB2nC4dE6fG8hI1jK3lM5nO7pQ9rS0tU';
const mo: MoMessageV2 = {
  v: 2,
  id: 'jazz-01HX',
  operator: 'jazz',
  msisdn: '923001234567',
  shortCode: '8300',
  request: { kind: 'lookup', lang: 'en', cnic: { hashes: { a1b2c3d4e5f60718: HASH }, near: [HASH.slice(0, 22), HASH.slice(1, 23)] } },
  textLength: 17,
  dataCoding: 0,
  receivedAt: 1700000000000,
};

const mt: MtMessageV1 = {
  v: 1,
  id: mtIdFor(mo.id),
  moId: mo.id,
  operator: 'jazz',
  msisdn: mo.msisdn,
  shortCode: '8300',
  text: 'آپ کا ووٹ',
  lang: 'ur',
  kind: 'found',
  moReceivedAt: mo.receivedAt,
  createdAt: mo.receivedAt + 5,
  expiresAt: mo.receivedAt + 3600_000,
};

describe('message codec', () => {
  it('round-trips an MO through its wire form', () => {
    expect(decodeMo(encodeMessage(mo))).toEqual(mo);
  });

  it('round-trips an MT with Urdu text', () => {
    expect(decodeMt(encodeMessage(mt))).toEqual(mt);
  });

  it('rejects a record that is not JSON as a non-retriable contract error', () => {
    expect(() => decodeMo(Buffer.from('garbage'))).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE', retriable: false }));
  });

  it('rejects an MO with a missing field, naming the field', () => {
    const { request: _request, ...partial } = mo;
    expect(() => decodeMo(JSON.stringify(partial))).toThrow(/request must be an object/);
  });

  it('round-trips help and invalid requests', () => {
    const help: MoMessageV2 = { ...mo, request: { kind: 'help', lang: 'ur' } };
    const invalid: MoMessageV2 = { ...mo, request: { kind: 'invalid', reason: 'wrong_length', lang: 'ur' } };
    expect(decodeMo(encodeMessage(help))).toEqual(help);
    expect(decodeMo(encodeMessage(invalid))).toEqual(invalid);
  });

  it('refuses a v1 MO, whose text carried the clear CNIC', () => {
    expect(() => decodeMo(JSON.stringify({ ...mo, v: 1, text: '3520212345671' }))).toThrow(/unsupported version 1/);
  });

  it.each([
    ['a clear CNIC in place of a hash', { hashes: { k: '3520212345671' }, near: [HASH, HASH] }],
    ['no hash at all', { hashes: {}, near: [HASH, HASH] }],
    ['one neighbourhood mark', { hashes: { k: HASH }, near: [HASH] }],
    ['a clear CNIC as a neighbourhood mark', { hashes: { k: HASH }, near: [HASH, '35202-1234567-1'] }],
  ])('rejects a lookup whose CNIC is not pseudonymised: %s', (_what, cnic) => {
    expect(() => decodeMo(JSON.stringify({ ...mo, request: { kind: 'lookup', lang: 'ur', cnic } }))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_MESSAGE' }),
    );
  });

  it('rejects an unknown request kind and an unknown invalid reason', () => {
    expect(() => decodeMo(JSON.stringify({ ...mo, request: { kind: 'text', lang: 'ur' } }))).toThrow(/unknown request kind/);
    expect(() => decodeMo(JSON.stringify({ ...mo, request: { kind: 'invalid', reason: 'x', lang: 'ur' } }))).toThrow(/unknown invalid reason/);
  });

  it('rejects an MT whose kind is not one of the reply kinds', () => {
    expect(() => decodeMt(JSON.stringify({ ...mt, kind: 'leak' }))).toThrow(/unknown kind/);
  });

  it('derives the same MT id from the same MO id', () => {
    expect(mtIdFor('abc')).toBe(mtIdFor('abc'));
    expect(mtIdFor('abc')).not.toBe(mtIdFor('abd'));
  });
});
