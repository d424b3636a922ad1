import { chunkRecords } from './record-chunks';
import type { OutgoingRecord } from '../producer/batching-publisher';

const rec = (topic: string, i: number, bytes = 100): OutgoingRecord => ({ topic, key: `k${i}`, value: Buffer.alloc(bytes, i % 256) });

describe('chunkRecords', () => {
  it('keeps a small output in one request grouped by topic', () => {
    const chunks = chunkRecords([rec('a', 1), rec('b', 2), rec('a', 3)], 10_000);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].map((t) => [t.topic, t.messages.map((m) => m.key)])).toEqual([
      ['a', ['k1', 'k3']],
      ['b', ['k2']],
    ]);
  });

  it('splits an output bigger than the bound into requests that each stay under it, in order', () => {
    const records = Array.from({ length: 1000 }, (_, i) => rec('mt', i, 600));
    const chunks = chunkRecords(records, 64 * 1024);
    expect(chunks.length).toBeGreaterThan(9);
    for (const chunk of chunks) {
      const bytes = chunk.flatMap((t) => t.messages).reduce((n, m) => n + (m.value as Buffer).length + 64 + String(m.key).length, 0);
      expect(bytes).toBeLessThanOrEqual(64 * 1024);
    }
    expect(chunks.flatMap((c) => c.flatMap((t) => t.messages.map((m) => m.key)))).toEqual(records.map((r) => r.key));
  });

  it('gives a record larger than the bound a request of its own', () => {
    const chunks = chunkRecords([rec('a', 1, 10), rec('a', 2, 5000), rec('a', 3, 10)], 1000);
    expect(chunks.map((c) => c[0].messages.length)).toEqual([1, 1, 1]);
  });

  it('returns no request for no records', () => {
    expect(chunkRecords([], 1000)).toEqual([]);
  });
});
