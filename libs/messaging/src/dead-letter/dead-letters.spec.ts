import { Topics, decodeDeadLetter } from '@parchee/contracts';
import { MetricsRegistry, silentLogger, type Logger } from '@parchee/observability';
import type { ConsumedRecord } from '../consumer/consumed-batch';
import type { OutgoingRecord } from '../producer/batching-publisher';
import { DeadLetters } from './dead-letters';

const source: ConsumedRecord = {
  topic: 'sms.mt.v1',
  partition: 3,
  offset: '42',
  key: Buffer.from('k'),
  value: Buffer.from('923001234567 secret text'),
  timestamp: 0,
};

async function countOf(registry: MetricsRegistry, labels: string): Promise<number> {
  const line = (await registry.render()).body.split('\n').find((l) => l.startsWith('parchee_dead_letters_total{') && l.includes(labels));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('DeadLetters', () => {
  it('makes a letter with the service, code, reason and source, and counts it by service and code', async () => {
    const registry = new MetricsRegistry('egress');
    const letters = new DeadLetters('egress', { metrics: registry, now: () => 7 });
    const record = letters.letter(source, 'EXPIRED', 'reply expired 5 ms ago');
    expect(record.topic).toBe(Topics.DEAD_LETTER);
    expect(record.key).toBe('k');
    expect(decodeDeadLetter(record.value)).toMatchObject({
      service: 'egress',
      code: 'EXPIRED',
      reason: 'reply expired 5 ms ago',
      sourceTopic: 'sms.mt.v1',
      sourcePartition: 3,
      sourceOffset: '42',
      failedAt: 7,
    });
    letters.letter(source, 'EXPIRED', 'again');
    expect(await countOf(registry, 'code="EXPIRED"')).toBe(2);
  });

  it('logs where the record came from, never what it held', () => {
    const lines: unknown[] = [];
    const logger: Logger = { ...silentLogger, warn: (fields: unknown) => void lines.push(fields) };
    new DeadLetters('lookup', { logger }).letter(source, 'MALFORMED_MESSAGE', 'not an MO');
    expect(lines).toEqual([{ service: 'lookup', code: 'MALFORMED_MESSAGE', topic: 'sms.mt.v1', partition: 3, offset: '42' }]);
    expect(JSON.stringify(lines)).not.toContain('923001234567');
  });

  it('sends letters through its publisher, and refuses to without one', async () => {
    const published: OutgoingRecord[] = [];
    const letters = new DeadLetters('egress', { publisher: { publish: async (r) => void published.push(...r) } });
    const letter = letters.letter(source, 'REJECTED', 'ESME_RINVDSTADR');
    await letters.send([letter]);
    expect(published).toEqual([letter]);
    await new DeadLetters('lookup').send([]);
    await expect(new DeadLetters('lookup').send([letter])).rejects.toMatchObject({ code: 'PUBLISH_FAILED', retriable: false });
  });
});
