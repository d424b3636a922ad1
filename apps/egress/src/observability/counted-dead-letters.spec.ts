import { encodeMessage, type DeadLetterV1 } from '@parchee/contracts';
import type { OutgoingRecord } from '@parchee/messaging';
import { countedDeadLetters } from './counted-dead-letters';

function letter(code: string): OutgoingRecord {
  const value: DeadLetterV1 = {
    v: 1,
    service: 'egress',
    code,
    reason: 'r',
    sourceTopic: 'sms.mt.v1',
    sourcePartition: 0,
    sourceOffset: '1',
    failedAt: 1,
    payload: '',
  };
  return { topic: 'sms.dlq.v1', key: null, value: encodeMessage(value) };
}

describe('countedDeadLetters', () => {
  it('counts each letter by its code once the publisher accepted it', async () => {
    const published: OutgoingRecord[] = [];
    const codes: string[] = [];
    const sink = countedDeadLetters({ publish: async (r) => void published.push(...r) }, (c) => codes.push(c));
    await sink.publish([letter('EXPIRED'), letter('ESME_RINVDSTADR')]);
    expect(published).toHaveLength(2);
    expect(codes).toEqual(['EXPIRED', 'ESME_RINVDSTADR']);
  });

  it('counts nothing when publishing fails', async () => {
    const codes: string[] = [];
    const sink = countedDeadLetters({ publish: () => Promise.reject(new Error('broker down')) }, (c) => codes.push(c));
    await expect(sink.publish([letter('EXPIRED')])).rejects.toThrow('broker down');
    expect(codes).toEqual([]);
  });
});
