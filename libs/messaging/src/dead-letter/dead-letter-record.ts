import { Topics, encodeMessage, type DeadLetterV1 } from '@parchee/contracts';
import type { ConsumedRecord } from '../consumer/consumed-batch';
import type { OutgoingRecord } from '../producer/batching-publisher';

/** Wraps a record a stage gave up on, with why, for the dead-letter topic. Nothing is dropped silently. */
export function deadLetterRecord(service: string, source: ConsumedRecord, code: string, reason: string, now = Date.now()): OutgoingRecord {
  const letter: DeadLetterV1 = {
    v: 1,
    service,
    code,
    reason,
    sourceTopic: source.topic,
    sourcePartition: source.partition,
    sourceOffset: source.offset,
    failedAt: now,
    payload: (source.value ?? Buffer.alloc(0)).toString('base64'),
  };
  return { topic: Topics.DEAD_LETTER, key: source.key ? source.key.toString('utf8') : null, value: encodeMessage(letter) };
}
