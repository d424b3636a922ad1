import { decodeDlr, encodeMessage } from './message-codec';
import type { DlrMessageV1 } from '../messages/dlr-message';

const dlr: DlrMessageV1 = {
  v: 1,
  id: '6f1c2a9e-0d1b-4e35-9a77-1f0e2d3c4b5a',
  operator: 'jazz',
  messageId: '005F3A9C',
  normalisedIds: ['5f3a9c', String(0x5f3a9c)],
  state: 'DELIVERED',
  final: true,
  receivedAt: 1700000000000,
};

describe('delivery receipt codec', () => {
  it('round-trips a receipt without an error code, leaving the field absent', () => {
    const decoded = decodeDlr(encodeMessage(dlr));
    expect(decoded).toEqual(dlr);
    expect('errorCode' in decoded).toBe(false);
  });

  it('round-trips a failed receipt with its error code', () => {
    const failed: DlrMessageV1 = { ...dlr, state: 'UNDELIVERABLE', errorCode: '3:27' };
    expect(decodeDlr(encodeMessage(failed))).toEqual(failed);
  });

  it('round-trips the intermediate BUFFERED and the final SKIPPED', () => {
    const buffered: DlrMessageV1 = { ...dlr, state: 'BUFFERED', final: false };
    const skipped: DlrMessageV1 = { ...dlr, state: 'SKIPPED', final: true };
    expect(decodeDlr(encodeMessage(buffered))).toEqual(buffered);
    expect(decodeDlr(encodeMessage(skipped))).toEqual(skipped);
  });

  it('rejects a state that is not an SMPP message state', () => {
    expect(() => decodeDlr(JSON.stringify({ ...dlr, state: 'DELIVRD' }))).toThrow(/unknown state DELIVRD/);
  });

  it('rejects a receipt without candidate ids, since it could never be correlated', () => {
    expect(() => decodeDlr(JSON.stringify({ ...dlr, normalisedIds: [] }))).toThrow(/normalisedIds must be a non-empty array/);
    expect(() => decodeDlr(JSON.stringify({ ...dlr, normalisedIds: [42] }))).toThrow(/normalisedIds/);
  });

  it('rejects a final flag that is not a boolean and an error code that is not a string', () => {
    expect(() => decodeDlr(JSON.stringify({ ...dlr, final: 'yes' }))).toThrow(/final must be a boolean/);
    expect(() => decodeDlr(JSON.stringify({ ...dlr, errorCode: 27 }))).toThrow(/errorCode must be a string/);
  });

  it('ignores fields it does not know, as additive changes within v1 require', () => {
    expect(decodeDlr(JSON.stringify({ ...dlr, bind: 2 }))).toEqual(dlr);
  });

  it('rejects a record that is not JSON as a non-retriable contract error', () => {
    expect(() => decodeDlr(Buffer.from('id:1 stat:DELIVRD'))).toThrow(expect.objectContaining({ code: 'MALFORMED_MESSAGE', retriable: false }));
  });
});
