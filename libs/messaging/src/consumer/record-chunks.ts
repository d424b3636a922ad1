import type { TopicMessages } from 'kafkajs';
import type { OutgoingRecord } from '../producer/batching-publisher';

export const DEFAULT_MAX_PRODUCE_BYTES = 512 * 1024;

/** Per-record framing in a v2 record batch, rounded up; only has to keep the estimate on the safe side. */
const RECORD_OVERHEAD = 64;

/** Estimated bytes of one record in a produce request, on the safe side. */
export function recordBytes(r: OutgoingRecord): number {
  let n = RECORD_OVERHEAD + (r.key === null ? 0 : Buffer.byteLength(r.key)) + r.value.length;
  if (r.headers) for (const [k, v] of Object.entries(r.headers)) n += Buffer.byteLength(k) + Buffer.byteLength(v);
  return n;
}

/**
 * Splits records, in order, into produce requests of at most `maxBytes` (estimated), each grouped
 * by topic. Order within a topic-partition is kept: chunks are sent one after the other.
 * A single record larger than `maxBytes` gets a chunk of its own. A record's `partition`, when it
 * has one, goes with it.
 */
export function chunkRecords(records: ReadonlyArray<OutgoingRecord & { partition?: number }>, maxBytes: number): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let byTopic = new Map<string, TopicMessages>();
  let bytes = 0;
  for (const r of records) {
    const size = recordBytes(r);
    if (bytes > 0 && bytes + size > maxBytes) {
      chunks.push([...byTopic.values()]);
      byTopic = new Map();
      bytes = 0;
    }
    let entry = byTopic.get(r.topic);
    if (!entry) byTopic.set(r.topic, (entry = { topic: r.topic, messages: [] }));
    entry.messages.push(
      r.partition === undefined
        ? { key: r.key, value: r.value, headers: r.headers }
        : { key: r.key, value: r.value, headers: r.headers, partition: r.partition },
    );
    bytes += size;
  }
  if (byTopic.size > 0) chunks.push([...byTopic.values()]);
  return chunks;
}
