import type { MtMessageV1 } from '@parchee/contracts';
import { CommandStatus, SmppCommandError, parseRelativeTime, type SegmentationMode } from '@parchee/smpp';
import { preferredReference, type ReferenceRequest } from './concat-references';
import { MtSender, type MtProgress, type MtSenderOptions, type Transmitter, type TransmitterDirectory } from './mt-sender';
import { submitRetryDelayMs } from './submit-backoff';

type SubmitFields = Parameters<Transmitter['submitSm']>[0];

class ScriptedTransmitter implements Transmitter {
  isBound = true;
  submitted: SubmitFields[] = [];
  failures: Error[] = [];
  constructor(private readonly events: string[] = []) {}
  async submitSm(fields: SubmitFields) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.submitted.push(fields);
    this.events.push(`submit ${this.submitted.length}`);
    return { messageId: `m${this.submitted.length}` };
  }
}

const directory = (tx: Transmitter): TransmitterDirectory => ({
  pick: () => tx,
  segmentation: (): SegmentationMode => 'udh8',
  knows: () => true,
});

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

function mt(text = 'Your polling station is 12', expiresAt = T0 + 30 * MINUTE, id = 'a.r1'): MtMessageV1 {
  return {
    v: 1,
    id,
    moId: 'a',
    operator: 'jazz',
    msisdn: '923001234567',
    shortCode: '8300',
    text,
    lang: 'en',
    kind: 'found',
    moReceivedAt: 0,
    createdAt: 0,
    expiresAt,
  };
}

/** A sender on a fake clock: each pause moves the clock by exactly its length, instantly. */
function sender(tx: Transmitter, options: Partial<MtSenderOptions> = {}) {
  const clock = { now: T0 };
  const sleeps: number[] = [];
  const retries: string[] = [];
  const s = new MtSender(directory(tx), {
    retryDeadlineMs: 30_000,
    now: () => clock.now,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    onRetry: (_operator, reason) => retries.push(reason),
    ...options,
  });
  return { s, clock, sleeps, retries };
}

const status = (code: number) => new SmppCommandError('submit_sm', code);

describe('MtSender', () => {
  it('asks the SMSC to drop each part when the reply expires: validity is the remaining lifetime', async () => {
    const tx = new ScriptedTransmitter();
    await sender(tx).s.send(mt());
    expect(tx.submitted[0].validityPeriod).toBe('000000003000000R');
  });

  it('shortens the validity of a part sent after a retry by the time the retry took', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RTHROTTLED));
    const { s } = sender(tx, { throttledBackoffMs: 2000, random: () => 0 });
    await s.send(mt());
    expect(parseRelativeTime(tx.submitted[0].validityPeriod ?? '')).toBe(30 * MINUTE - 2000);
  });

  it('takes one throttle token before each part, every part', async () => {
    const events: string[] = [];
    const tx = new ScriptedTransmitter(events);
    const throttle = { take: async (operator: string) => void events.push(`take ${operator}`) };
    const result = await sender(tx, { throttle }).s.send(mt('x'.repeat(400)));
    expect(result).toMatchObject({ outcome: 'sent', parts: 3 });
    expect(events).toEqual(['take jazz', 'submit 1', 'take jazz', 'submit 2', 'take jazz', 'submit 3']);
  });

  it('pauses at least the throttled minimum after ESME_RTHROTTLED, with jitter on top, and names the status', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RTHROTTLED), status(CommandStatus.ESME_RTHROTTLED));
    const { s, sleeps, retries } = sender(tx, { throttledBackoffMs: 1000, random: () => 0.5 });
    expect(await s.send(mt())).toMatchObject({ outcome: 'sent' });
    expect(sleeps).toEqual([1250, 1250]);
    expect(retries).toEqual(['ESME_RTHROTTLED', 'ESME_RTHROTTLED']);
  });

  it('backs off exponentially with jitter for other temporary failures, and starts over after a success', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RSYSERR), status(CommandStatus.ESME_RSYSERR), status(CommandStatus.ESME_RX_T_APPN));
    const { s, sleeps, retries } = sender(tx, { random: () => 0 });
    await s.send(mt('x'.repeat(200)));
    tx.failures.push(status(CommandStatus.ESME_RX_T_APPN));
    await s.send(mt());
    expect(sleeps).toEqual([25, 50, 100, 25]);
    expect(retries).toEqual(['ESME_RSYSERR', 'ESME_RSYSERR', 'ESME_RX_T_APPN', 'ESME_RX_T_APPN']);
  });

  it('backs off after ESME_RMSGQFUL at least as long as after throttling', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RMSGQFUL));
    const { s, sleeps } = sender(tx, { throttledBackoffMs: 1000, random: () => 0 });
    expect(await s.send(mt())).toMatchObject({ outcome: 'sent' });
    expect(sleeps).toEqual([1000]);
  });

  it('tells the throttle about ESME_RTHROTTLED, so the whole link slows down, and about nothing else', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RTHROTTLED), status(CommandStatus.ESME_RMSGQFUL), status(CommandStatus.ESME_RSYSERR));
    const throttled: string[] = [];
    const throttle = { take: async () => undefined, throttled: async (operator: string) => void throttled.push(operator) };
    expect(await sender(tx, { throttle }).s.send(mt())).toMatchObject({ outcome: 'sent' });
    expect(throttled).toEqual(['jazz']);
  });

  it('defers the MT when the next pause would pass the retry deadline', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(...Array.from({ length: 5 }, () => status(CommandStatus.ESME_RTHROTTLED)));
    const { s, sleeps } = sender(tx, { retryDeadlineMs: 3000, throttledBackoffMs: 1000, random: () => 0 });
    expect(await s.send(mt())).toMatchObject({ outcome: 'deferred' });
    expect(sleeps).toEqual([1000, 1000, 1000]);
    expect(tx.submitted).toHaveLength(0);
  });

  it('rejects a reply that expired while its first part was being retried', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RTHROTTLED));
    const { s } = sender(tx, { throttledBackoffMs: 1000, random: () => 0 });
    expect(await s.send(mt('hi', T0 + 500))).toMatchObject({ outcome: 'rejected', code: 'EXPIRED' });
    expect(tx.submitted).toHaveLength(0);
  });
});

describe('MtSender with long replies', () => {
  const THREE_PARTS = 'x'.repeat(400);
  /** The 8-bit UDH of a submitted part. */
  const udh = (fields: SubmitFields) => ({ ref: fields.shortMessage[3], total: fields.shortMessage[4], seq: fields.shortMessage[5] });

  /** Gives every MT the reference after its preferred one, as if another MT to the number held that. */
  class NextFreeReferences {
    requests: ReferenceRequest[] = [];
    async reserve(request: ReferenceRequest) {
      this.requests.push(request);
      return (request.preferred + 1) % request.modulo;
    }
  }

  class RecordedProgress {
    reports: Array<[string, MtProgress]> = [];
    accepted(mtId: string, progress: MtProgress) {
      this.reports.push([mtId, progress]);
    }
  }

  it('gives a multipart MT the reference its id hashes to, the same in every sender (another replica, a restart): no per-process counter', async () => {
    const refs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const tx = new ScriptedTransmitter();
      await sender(tx).s.send(mt(THREE_PARTS, undefined, 'b7c1.r1'));
      expect(new Set(tx.submitted.map((f) => udh(f).ref)).size).toBe(1);
      refs.push(udh(tx.submitted[0]).ref);
    }
    expect(refs).toEqual(Array(3).fill(preferredReference('b7c1.r1', 256)));
  });

  it('asks for a reference once per multipart MT, scoped by its destination hash, and none for a single part', async () => {
    const tx = new ScriptedTransmitter();
    const references = new NextFreeReferences();
    const { s } = sender(tx, { references });
    await s.send(mt(THREE_PARTS), { destination: 'hashed-msisdn' });
    await s.send(mt('short'), { destination: 'hashed-msisdn' });
    expect(references.requests).toEqual([{ destination: 'hashed-msisdn', mtId: 'a.r1', preferred: preferredReference('a.r1', 256), modulo: 256 }]);
    const given = (preferredReference('a.r1', 256) + 1) % 256;
    expect(tx.submitted.slice(0, 3).map(udh)).toEqual([1, 2, 3].map((seq) => ({ ref: given, total: 3, seq })));
  });

  it.each(['udh16', 'sar'] as const)('asks for a 16-bit reference on a %s link', async (mode) => {
    const references = new NextFreeReferences();
    const tx = new ScriptedTransmitter();
    const s = new MtSender({ ...directory(tx), segmentation: () => mode }, { retryDeadlineMs: 1000, references });
    await s.send(mt(THREE_PARTS));
    expect(references.requests[0]).toMatchObject({ destination: null, preferred: preferredReference('a.r1', 65536), modulo: 65536 });
  });

  it('reports each accepted part of a multipart MT but its last, with its reference, and nothing for a single part', async () => {
    const progress = new RecordedProgress();
    const { s } = sender(new ScriptedTransmitter(), { progress });
    await s.send(mt(THREE_PARTS));
    await s.send(mt('short', undefined, 'c.r1'));
    const reference = preferredReference('a.r1', 256);
    expect(progress.reports).toEqual([
      ['a.r1', { reference, accepted: 1, parts: 3 }],
      ['a.r1', { reference, accepted: 2, parts: 3 }],
    ]);
  });

  it('resumes from the first part not accepted, with the recorded reference, whatever reference another MT would get', async () => {
    const tx = new ScriptedTransmitter();
    const references = new NextFreeReferences();
    const result = await sender(tx, { references }).s.send(mt(THREE_PARTS), {
      destination: 'hashed-msisdn',
      progress: { reference: 77, accepted: 2, parts: 3 },
    });
    expect(tx.submitted.map(udh)).toEqual([{ ref: 77, total: 3, seq: 3 }]);
    expect(result).toEqual({ outcome: 'sent', messageIds: ['m1'], parts: 3, resumedAt: 3 });
    // Asked all the same, so the reference stays held while the last parts go out.
    expect(references.requests).toMatchObject([{ preferred: 77 }]);
  });

  it('starts over with a fresh reference when the recorded progress no longer matches how the text splits', async () => {
    const tx = new ScriptedTransmitter();
    await sender(tx).s.send(mt(THREE_PARTS), { progress: { reference: 77, accepted: 1, parts: 4 } });
    const reference = preferredReference('a.r1', 256);
    expect(tx.submitted.map(udh)).toEqual([1, 2, 3].map((seq) => ({ ref: reference, total: 3, seq })));
  });
});

describe('submitRetryDelayMs', () => {
  const at = (random: number) => ({ throttledMinMs: 1000, random: () => random });

  it('doubles from 50 ms up to 2 s, each pause between half and all of its step', () => {
    expect([0, 1, 2, 5, 6, 12].map((n) => submitRetryDelayMs(n, false, at(0)))).toEqual([25, 50, 100, 800, 1000, 1000]);
    expect([0, 1, 2, 5, 6, 12].map((n) => submitRetryDelayMs(n, false, at(0.999999)))).toEqual([50, 100, 200, 1600, 2000, 2000]);
  });

  it('never pauses less than the throttled minimum after throttling, nor more than half again', () => {
    expect(submitRetryDelayMs(0, true, at(0))).toBe(1000);
    expect(submitRetryDelayMs(7, true, at(0.999999))).toBe(1500);
  });
});
