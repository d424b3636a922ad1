import type { MtMessageV1 } from '@parchee/contracts';
import { CommandStatus, DataCoding, SmppCommandError, decodeGsm7, decodeUcs2, parseRelativeTime, type SegmentationMode } from '@parchee/smpp';
import { DEFAULT_CLIENT_SUBMIT } from '@parchee/config';
import { preferredReference, type ReferenceRequest } from './concat-references';
import { MtSender, type MtProgress, type MtSenderOptions, type Transmitter, type TransmitterDirectory } from './mt-sender';
import { submitRetryDelayMs } from './submit-backoff';
import { DEFAULT_SUBMIT_PROFILE, type SubmitProfile } from './submit-profile';

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

const directory = (tx: Transmitter, profile?: Partial<SubmitProfile>): TransmitterDirectory => ({
  pick: () => tx,
  segmentation: (): SegmentationMode => 'udh8',
  ...(profile ? { profile: () => ({ ...DEFAULT_SUBMIT_PROFILE, ...profile }) } : {}),
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
function sender(tx: Transmitter, options: Partial<MtSenderOptions> = {}, profile?: Partial<SubmitProfile>) {
  const clock = { now: T0 };
  const sleeps: number[] = [];
  const retries: string[] = [];
  const s = new MtSender(directory(tx, profile), {
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

  it('sends an English reply with a typographic apostrophe in a roll name as GSM 7-bit, in as few parts as plain text', async () => {
    const plain =
      "Polling station 37: Govt. Girls' Higher Secondary School No. 2 - Gulberg III (Female), Lahore City, Lahore. NA-120 PP-150. Bring your original CNIC.";
    const typed = plain.replace("Girls'", 'Girls\u2019').replace(' - ', ' \u2013 ');
    const tx = new ScriptedTransmitter();
    const result = await sender(tx).s.send(mt(typed));
    expect(result).toMatchObject({ outcome: 'sent', parts: 1 });
    expect(tx.submitted[0].dataCoding).toBe(DataCoding.DEFAULT);
    expect(decodeGsm7(tx.submitted[0].shortMessage)).toBe(plain);
  });

  it('sends an Urdu reply as UCS-2 exactly as written, even with a typographic dash in it', async () => {
    const urdu = 'پولنگ اسٹیشن 37 \u2013 گورنمنٹ گرلز سکول';
    const tx = new ScriptedTransmitter();
    await sender(tx).s.send(mt(urdu));
    expect(tx.submitted[0].dataCoding).toBe(DataCoding.UCS2);
    expect(decodeUcs2(tx.submitted[0].shortMessage)).toBe(urdu);
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

describe('MtSender submit profile', () => {
  /** Every field of one part's submit_sm but the message itself. */
  async function fieldsOf(profile: Partial<SubmitProfile> | undefined, message = mt()) {
    const tx = new ScriptedTransmitter();
    expect(await sender(tx, {}, profile).s.send(message)).toMatchObject({ outcome: 'sent' });
    const { shortMessage: _message, tlvs: _tlvs, esmClass: _esm, ...fields } = tx.submitted[0];
    return fields;
  }

  /** What egress sent to every operator before links had a submit profile. */
  const TODAY = {
    serviceType: '',
    sourceAddr: '8300',
    sourceAddrTon: 3,
    sourceAddrNpi: 0,
    destinationAddr: '923001234567',
    destAddrTon: 1,
    destAddrNpi: 1,
    dataCoding: 0,
    registeredDelivery: 1,
    validityPeriod: '000000003000000R',
  };

  it('sends every field as before for a directory without profiles', async () => {
    expect(await fieldsOf(undefined)).toEqual(TODAY);
  });

  it('sends every field as before for a link without a submit block', async () => {
    expect(DEFAULT_CLIENT_SUBMIT).toMatchObject({ validity: 'relative', dataCoding0: 'gsm7', retriableStatuses: [] });
    expect(await fieldsOf(DEFAULT_SUBMIT_PROFILE)).toEqual(TODAY);
  });

  it('takes every submit_sm field the profile names from it', async () => {
    const profile: Partial<SubmitProfile> = {
      serviceType: 'CMT',
      sourceTon: 0,
      sourceNpi: 1,
      destTon: 2,
      destNpi: 8,
      destFormat: 'national',
      registeredDelivery: 17,
      validity: { kind: 'none' },
    };
    expect(await fieldsOf(profile)).toEqual({
      ...TODAY,
      serviceType: 'CMT',
      sourceAddrTon: 0,
      sourceAddrNpi: 1,
      destinationAddr: '3001234567',
      destAddrTon: 2,
      destAddrNpi: 8,
      registeredDelivery: 17,
      validityPeriod: undefined,
    });
  });

  it.each([
    ['international', '923001234567'],
    ['plus', '+923001234567'],
    ['national', '3001234567'],
    ['national-trunk', '03001234567'],
  ] as const)('writes the destination in the %s format as %s', async (destFormat, written) => {
    expect((await fieldsOf({ destFormat })).destinationAddr).toBe(written);
  });

  it('rejects, sending nothing, an MT whose number has no country code to write nationally', async () => {
    const tx = new ScriptedTransmitter();
    const result = await sender(tx, {}, { destFormat: 'national' }).s.send({ ...mt(), msisdn: '3001234567' });
    expect(result).toMatchObject({ outcome: 'rejected', code: 'UNFORMATTABLE_DESTINATION' });
    expect(tx.submitted).toHaveLength(0);
  });

  it('writes an absolute validity at the reply’s expiry, in the profile’s UTC offset', async () => {
    // T0 + 30 min is 2023-11-14 22:43:20 UTC, 2023-11-15 03:43:20 at +05:00 (20 quarter hours).
    expect((await fieldsOf({ validity: { kind: 'absolute', offsetQuarterHours: 20 } })).validityPeriod).toBe('231115034320020+');
    expect((await fieldsOf({ validity: { kind: 'absolute', offsetQuarterHours: 0 } })).validityPeriod).toBe('231114224320000+');
  });

  it('writes a GSM text as Latin-1 octets under data_coding 0 for an SMSC that reads it so', async () => {
    const tx = new ScriptedTransmitter();
    await sender(tx, {}, { dataCoding0: 'latin1' }).s.send(mt('Write to help@ecp.gov.pk'));
    expect(tx.submitted[0].dataCoding).toBe(0);
    expect(tx.submitted[0].shortMessage).toEqual(Buffer.from('Write to help@ecp.gov.pk', 'latin1'));
  });

  it('retries a status the operator declares temporary, with backoff, instead of rejecting the MT', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RSUBMITFAIL), status(0x400));
    const { s, sleeps, retries } = sender(tx, { random: () => 0 }, { retriableStatuses: new Set([CommandStatus.ESME_RSUBMITFAIL, 0x400]) });
    expect(await s.send(mt())).toMatchObject({ outcome: 'sent', messageIds: ['m1'] });
    expect(retries).toEqual(['ESME_RSUBMITFAIL', '0x00000400']);
    expect(sleeps).toEqual([25, 50]);
  });

  it('defers, never rejects, an MT whose declared temporary status outlasts the retry deadline', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(...Array.from({ length: 20 }, () => status(CommandStatus.ESME_RSUBMITFAIL)));
    const { s } = sender(tx, { retryDeadlineMs: 3000 }, { retriableStatuses: new Set([CommandStatus.ESME_RSUBMITFAIL]) });
    expect(await s.send(mt())).toMatchObject({ outcome: 'deferred' });
  });

  it('still rejects that status for an operator that does not declare it temporary', async () => {
    const tx = new ScriptedTransmitter();
    tx.failures.push(status(CommandStatus.ESME_RSUBMITFAIL));
    expect(await sender(tx, {}, { retriableStatuses: new Set([0x400]) }).s.send(mt())).toMatchObject({ outcome: 'rejected', code: 'COMMAND_STATUS' });
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
