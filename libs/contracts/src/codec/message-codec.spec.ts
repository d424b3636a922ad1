import { decodeMo, decodeMt, encodeMessage, mtIdFor } from './message-codec';
import type { MoMessageV1 } from '../messages/mo-message';
import type { MtMessageV1 } from '../messages/mt-message';

const mo: MoMessageV1 = {
  v: 1,
  id: 'jazz-01HX',
  operator: 'jazz',
  msisdn: '923001234567',
  shortCode: '8300',
  text: '3520212345671',
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
    const { text: _text, ...partial } = mo;
    expect(() => decodeMo(JSON.stringify(partial))).toThrow(/text must be a string/);
  });

  it('rejects an unknown schema version', () => {
    expect(() => decodeMo(JSON.stringify({ ...mo, v: 2 }))).toThrow(/unsupported version 2/);
  });

  it('rejects an MT whose kind is not one of the reply kinds', () => {
    expect(() => decodeMt(JSON.stringify({ ...mt, kind: 'leak' }))).toThrow(/unknown kind/);
  });

  it('derives the same MT id from the same MO id', () => {
    expect(mtIdFor('abc')).toBe(mtIdFor('abc'));
    expect(mtIdFor('abc')).not.toBe(mtIdFor('abd'));
  });
});
