import { Topics, decodeDeadLetter, encodeMessage, type DlrMessageV1 } from '@parchee/contracts';
import { DeadLetters, type ConsumedBatch, type OutgoingRecord } from '@parchee/messaging';
import { normaliseMessageId } from '@parchee/smpp';
import { DlrCorrelator, type DlrOutcome } from './dlr-correlator';
import type { MessageIdLookup, SubmittedPart } from './message-id-map';
import type { MtStatusStore } from './mt-status-store';

class MemoryIds implements MessageIdLookup {
  parts = new Map<string, SubmittedPart>();
  lookups = 0;
  /** Called after each lookup: lets a test add an entry as if its write landed late. */
  afterLookup: () => void = () => undefined;
  failing = false;
  add(messageId: string, part: SubmittedPart) {
    this.parts.set(`${part.operator}:${normaliseMessageId(messageId)[0]}`, part);
  }
  async lookup(operator: string, candidates: readonly string[]) {
    this.lookups++;
    if (this.failing) throw new Error('redis down');
    const hit = candidates.map((c) => this.parts.get(`${operator}:${c}`)).find((p) => p !== undefined) ?? null;
    this.afterLookup();
    return hit;
  }
}

class MemoryStatus implements MtStatusStore {
  recorded: Array<{ mtId: string; part: number; state: string }> = [];
  async record(part: { mtId: string; part: number }, dlr: DlrMessageV1) {
    this.recorded.push({ mtId: part.mtId, part: part.part, state: dlr.state });
  }
}

/** Egress's dead letters, published into `records` instead of Kafka. */
class CollectingPublisher extends DeadLetters {
  readonly records: OutgoingRecord[];

  constructor() {
    const records: OutgoingRecord[] = [];
    super('egress', { publisher: { publish: async (letters) => void records.push(...letters) } });
    this.records = records;
  }
}

function dlr(messageId: string, state: DlrMessageV1['state'] = 'DELIVERED', operator = 'jazz'): DlrMessageV1 {
  return { v: 1, id: `d-${messageId}`, operator, messageId, normalisedIds: normaliseMessageId(messageId), state, final: state !== 'ENROUTE', receivedAt: 9 };
}

function batch(values: Buffer[]): ConsumedBatch {
  return {
    topic: Topics.DLR,
    partition: 0,
    records: values.map((value, i) => ({ topic: Topics.DLR, partition: 0, offset: String(i), key: null, value, timestamp: 0 })),
    heartbeat: async () => undefined,
    isRunning: () => true,
  };
}

const submitted = (mtId: string, part = 1, parts = 1): SubmittedPart => ({ mtId, operator: 'jazz', part, parts, submittedAt: 1 });

describe('DlrCorrelator', () => {
  it('records the state of the MT part a receipt reports on, whichever base the receipt writes the id in', async () => {
    const ids = new MemoryIds();
    ids.add('0A3F5C9E', submitted('mo-1.r1'));
    const status = new MemoryStatus();
    const outcomes: DlrOutcome[] = [];
    await new DlrCorrelator(ids, status, new CollectingPublisher(), { retryDelayMs: 0, onResult: (_d, o) => outcomes.push(o) }).process(
      batch([encodeMessage(dlr(String(0x0a3f5c9e), 'UNDELIVERABLE'))]),
    );
    expect(status.recorded).toEqual([{ mtId: 'mo-1.r1', part: 1, state: 'UNDELIVERABLE' }]);
    expect(outcomes).toEqual(['matched']);
  });

  it('looks an unknown id up once more, and matches it when its mapping landed meanwhile', async () => {
    const ids = new MemoryIds();
    ids.afterLookup = () => ids.add('77', submitted('late.r1'));
    const status = new MemoryStatus();
    const outcomes: DlrOutcome[] = [];
    await new DlrCorrelator(ids, status, new CollectingPublisher(), { retryDelayMs: 1, onResult: (_d, o) => outcomes.push(o) }).process(
      batch([encodeMessage(dlr('77'))]),
    );
    expect(ids.lookups).toBe(2);
    expect(outcomes).toEqual(['matched']);
    expect(status.recorded.map((r) => r.mtId)).toEqual(['late.r1']);
  });

  it('counts a receipt for an id never mapped as unmatched after the second lookup', async () => {
    const ids = new MemoryIds();
    ids.add('1', submitted('known.r1'));
    const status = new MemoryStatus();
    const results: Array<[string, DlrOutcome]> = [];
    await new DlrCorrelator(ids, status, new CollectingPublisher(), { retryDelayMs: 1, onResult: (d, o) => results.push([d.messageId, o]) }).process(
      batch([encodeMessage(dlr('1')), encodeMessage(dlr('ffff')), encodeMessage(dlr('1', 'DELIVERED', 'zong'))]),
    );
    expect(results).toEqual(
      expect.arrayContaining([
        ['1', 'matched'],
        ['ffff', 'unmatched'],
        ['1', 'unmatched'],
      ]),
    );
    expect(results).toHaveLength(3);
    expect(ids.lookups).toBe(5);
    expect(status.recorded).toHaveLength(1);
  });

  it('dead-letters a record that is not a receipt and carries on with the others', async () => {
    const ids = new MemoryIds();
    ids.add('5', submitted('m.r1'));
    const letters = new CollectingPublisher();
    const status = new MemoryStatus();
    await new DlrCorrelator(ids, status, letters, { retryDelayMs: 0 }).process(batch([Buffer.from('not json'), encodeMessage(dlr('5'))]));
    expect(letters.records).toHaveLength(1);
    expect(decodeDeadLetter(letters.records[0].value)).toMatchObject({ code: 'MALFORMED_MESSAGE', service: 'egress', sourceTopic: Topics.DLR });
    expect(status.recorded).toHaveLength(1);
  });

  it('fails the batch when the map cannot answer, so it is read again instead of counted unmatched', async () => {
    const ids = new MemoryIds();
    ids.failing = true;
    const outcomes: DlrOutcome[] = [];
    const correlator = new DlrCorrelator(ids, new MemoryStatus(), new CollectingPublisher(), { retryDelayMs: 0, onResult: (_d, o) => outcomes.push(o) });
    await expect(correlator.process(batch([encodeMessage(dlr('5'))]))).rejects.toThrow('redis down');
    expect(outcomes).toEqual([]);
  });
});
