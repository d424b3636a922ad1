import { Topics, decodeDeadLetter, encodeMessage, type MtMessageV1 } from '@parchee/contracts';
import { DeadLetters, type ConsumedBatch, type OutgoingRecord } from '@parchee/messaging';
import { SmppCommandError, CommandStatus, decodeUcs2, type SegmentationMode } from '@parchee/smpp';
import { DeferredBatchError } from './deferred-batch-error';
import { EgressPipeline } from './egress-pipeline';
import { MtSender, type MtProgress, type Transmitter, type TransmitterDirectory } from './mt-sender';
import type { LedgerEntry, SentLedger } from './sent-ledger';

class FakeTransmitter implements Transmitter {
  isBound = true;
  submitted: Array<{ destinationAddr: string; shortMessage: Buffer; dataCoding: number; esmClass: number }> = [];
  failures: Error[] = [];
  /** A refusal decided by the part itself, checked after the scripted failures. */
  refuse?: (fields: Parameters<Transmitter['submitSm']>[0]) => Error | undefined;
  async submitSm(fields: Parameters<Transmitter['submitSm']>[0]) {
    const failure = this.failures.shift() ?? this.refuse?.(fields);
    if (failure) throw failure;
    this.submitted.push(fields);
    return { messageId: `m${this.submitted.length}` };
  }
}

class FakeDirectory implements TransmitterDirectory {
  constructor(readonly tx: FakeTransmitter | null) {}
  pick() {
    return this.tx?.isBound ? this.tx : null;
  }
  segmentation(): SegmentationMode {
    return 'udh8';
  }
  knows(operator: string) {
    return operator !== 'unknown';
  }
}

class MemoryLedger implements SentLedger {
  sent = new Set<string>();
  progress = new Map<string, MtProgress>();
  async recall(ids: string[]) {
    const entries = new Map<string, LedgerEntry>();
    for (const id of ids) {
      const progress = this.progress.get(id);
      if (this.sent.has(id)) entries.set(id, { sent: true });
      else if (progress) entries.set(id, { sent: false, progress });
    }
    return entries;
  }
  async markSent(id: string) {
    this.sent.add(id);
  }
  accepted(mtId: string, progress: MtProgress) {
    this.progress.set(mtId, progress);
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

function mt(id: string, text = 'Your polling station is 12', operator = 'jazz', expiresAt = Date.now() + 60_000): MtMessageV1 {
  return { v: 1, id, moId: id, operator, msisdn: '923001234567', shortCode: '8300', text, lang: 'en', kind: 'found', moReceivedAt: 0, createdAt: 0, expiresAt };
}

function batch(values: Buffer[]): ConsumedBatch {
  return {
    topic: Topics.MT,
    partition: 0,
    records: values.map((value, i) => ({ topic: Topics.MT, partition: 0, offset: String(i), key: null, value, timestamp: 0 })),
    heartbeat: async () => undefined,
    isRunning: () => true,
  };
}

describe('EgressPipeline', () => {
  it('submits each MT once and refuses an MT id it already sent', async () => {
    const tx = new FakeTransmitter();
    const ledger = new MemoryLedger();
    const pipeline = new EgressPipeline(new MtSender(new FakeDirectory(tx), { retryDeadlineMs: 1000 }), ledger, new CollectingPublisher());
    await pipeline.process(batch([encodeMessage(mt('a')), encodeMessage(mt('b'))]));
    await pipeline.process(batch([encodeMessage(mt('a'))]));
    expect(tx.submitted.map((s) => s.destinationAddr)).toEqual(['923001234567', '923001234567']);
    expect(ledger.sent).toEqual(new Set(['a', 'b']));
  });

  it('sends an MT that appears twice in one batch once', async () => {
    const tx = new FakeTransmitter();
    const ledger = new MemoryLedger();
    const outcomes: string[] = [];
    const pipeline = new EgressPipeline(new MtSender(new FakeDirectory(tx), { retryDeadlineMs: 1000 }), ledger, new CollectingPublisher(), {
      onResult: (_mt, result) => outcomes.push(result.outcome),
    });
    await pipeline.process(batch([encodeMessage(mt('a')), encodeMessage(mt('a'))]));
    expect(tx.submitted).toHaveLength(1);
    expect(outcomes.sort()).toEqual(['duplicate', 'sent']);
  });

  it('splits a long Urdu reply into UCS-2 parts with a concatenation header', async () => {
    const tx = new FakeTransmitter();
    const text = 'پولنگ اسٹیشن '.repeat(12);
    await new EgressPipeline(new MtSender(new FakeDirectory(tx), { retryDeadlineMs: 1000 }), new MemoryLedger(), new CollectingPublisher()).process(
      batch([encodeMessage(mt('u', text))]),
    );
    expect(tx.submitted.length).toBeGreaterThanOrEqual(3);
    expect(tx.submitted.every((s) => s.dataCoding === 8 && (s.esmClass & 0x40) === 0x40)).toBe(true);
    expect(tx.submitted.map((s) => decodeUcs2(s.shortMessage.subarray(6))).join('')).toBe(text);
  });

  it('resumes a deferred 3-part MT at its refused part with the same reference: part 1 is not sent twice', async () => {
    const tx = new FakeTransmitter();
    // Part 2 is refused with a temporary error until the operator recovers.
    let recovered = false;
    tx.refuse = (fields) => (!recovered && fields.shortMessage[5] === 2 ? new SmppCommandError('submit_sm', CommandStatus.ESME_RSYSERR) : undefined);
    const ledger = new MemoryLedger();
    const clock = { now: Date.now() };
    const sender = new MtSender(new FakeDirectory(tx), {
      retryDeadlineMs: 1000,
      now: () => clock.now,
      random: () => 0,
      sleep: async (ms) => void (clock.now += ms),
      progress: ledger,
    });
    const pipeline = new EgressPipeline(sender, ledger, new CollectingPublisher());
    const long = batch([encodeMessage(mt('long', 'x'.repeat(400)))]);

    await expect(pipeline.process(long)).rejects.toBeInstanceOf(DeferredBatchError);
    const udh = (i: number) => ({ ref: tx.submitted[i].shortMessage[3], total: tx.submitted[i].shortMessage[4], seq: tx.submitted[i].shortMessage[5] });
    expect(tx.submitted.map((_, i) => udh(i).seq)).toEqual([1]);
    const reference = udh(0).ref;
    expect(ledger.progress.get('long')).toEqual({ reference, accepted: 1, parts: 3 });

    recovered = true;
    await pipeline.process(long);
    expect(tx.submitted.map((_, i) => udh(i))).toEqual([
      { ref: reference, total: 3, seq: 1 },
      { ref: reference, total: 3, seq: 2 },
      { ref: reference, total: 3, seq: 3 },
    ]);
    expect(ledger.sent).toEqual(new Set(['long']));
  });

  it('retries a throttled submit and sends it once the operator accepts', async () => {
    const tx = new FakeTransmitter();
    tx.failures.push(new SmppCommandError('submit_sm', CommandStatus.ESME_RTHROTTLED));
    const sleeps: number[] = [];
    const sender = new MtSender(new FakeDirectory(tx), { retryDeadlineMs: 5000, sleep: async (ms) => sleeps.push(ms) });
    await new EgressPipeline(sender, new MemoryLedger(), new CollectingPublisher()).process(batch([encodeMessage(mt('t'))]));
    expect(tx.submitted).toHaveLength(1);
    expect(sleeps).toHaveLength(1);
  });

  it('dead-letters an MT the operator rejects permanently, with the reason', async () => {
    const tx = new FakeTransmitter();
    tx.failures.push(new SmppCommandError('submit_sm', CommandStatus.ESME_RINVDSTADR));
    const dlq = new CollectingPublisher();
    await new EgressPipeline(new MtSender(new FakeDirectory(tx), { retryDeadlineMs: 5000 }), new MemoryLedger(), dlq).process(batch([encodeMessage(mt('r'))]));
    expect(decodeDeadLetter(dlq.records[0].value)).toMatchObject({ service: 'egress', code: 'COMMAND_STATUS' });
    expect(decodeDeadLetter(dlq.records[0].value).reason).toContain('ESME_RINVDSTADR');
  });

  it('dead-letters an expired reply instead of sending it late', async () => {
    const tx = new FakeTransmitter();
    const dlq = new CollectingPublisher();
    await new EgressPipeline(new MtSender(new FakeDirectory(tx), { retryDeadlineMs: 1000 }), new MemoryLedger(), dlq).process(
      batch([encodeMessage(mt('e', 'x', 'jazz', Date.now() - 1))]),
    );
    expect(tx.submitted).toHaveLength(0);
    expect(decodeDeadLetter(dlq.records[0].value).code).toBe('EXPIRED');
  });

  it('dead-letters malformed records and MTs for an operator with no link', async () => {
    const dlq = new CollectingPublisher();
    await new EgressPipeline(new MtSender(new FakeDirectory(new FakeTransmitter()), { retryDeadlineMs: 1000 }), new MemoryLedger(), dlq).process(
      batch([Buffer.from('{nope'), encodeMessage(mt('x', 'hi', 'unknown'))]),
    );
    expect(dlq.records.map((r) => decodeDeadLetter(r.value).code).sort()).toEqual(['MALFORMED_MESSAGE', 'UNKNOWN_OPERATOR']);
  });

  it('leaves the batch uncommitted while no bind to the operator is up', async () => {
    const pipeline = new EgressPipeline(new MtSender(new FakeDirectory(null), { retryDeadlineMs: 0 }), new MemoryLedger(), new CollectingPublisher());
    await expect(pipeline.process(batch([encodeMessage(mt('d'))]))).rejects.toBeInstanceOf(DeferredBatchError);
  });
});
