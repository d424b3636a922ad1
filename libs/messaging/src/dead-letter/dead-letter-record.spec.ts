import { Topics, decodeDeadLetter } from '@parchee/contracts';
import { nextOffset } from '../consumer/consumed-batch';
import { deadLetterRecord } from './dead-letter-record';

describe('deadLetterRecord', () => {
  const source = { topic: Topics.MO, partition: 4, offset: '1234', key: Buffer.from('k1'), value: Buffer.from('not json'), timestamp: 0 };

  it('keeps the original payload and where it came from, so nothing is lost', () => {
    const record = deadLetterRecord('lookup', source, 'MALFORMED_MESSAGE', 'not JSON', 99);
    expect(record.topic).toBe(Topics.DEAD_LETTER);
    expect(record.key).toBe('k1');
    const letter = decodeDeadLetter(record.value);
    expect(letter).toMatchObject({
      service: 'lookup',
      code: 'MALFORMED_MESSAGE',
      sourceTopic: Topics.MO,
      sourcePartition: 4,
      sourceOffset: '1234',
      failedAt: 99,
    });
    expect(Buffer.from(letter.payload, 'base64').toString()).toBe('not json');
  });

  it('dead-letters an empty record with an empty payload', () => {
    const letter = decodeDeadLetter(deadLetterRecord('egress', { ...source, value: null, key: null }, 'X', 'empty').value);
    expect(letter.payload).toBe('');
  });
});

describe('nextOffset', () => {
  it('commits the offset after the last processed record, beyond 2^53', () => {
    expect(nextOffset('41')).toBe('42');
    expect(nextOffset('9007199254740993')).toBe('9007199254740994');
  });
});
