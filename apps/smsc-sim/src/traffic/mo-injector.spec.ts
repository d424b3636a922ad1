import {
  CommandStatus,
  ConcatReassembler,
  decodePdu,
  decodeShortMessage,
  getTlvNumber,
  parseUdh,
  SmppCommandError,
  SmppError,
  TlvTag,
  type DeliverSm,
} from '@parchee/smpp';
import { MoRefusedError } from '../errors/mo-refused-error';
import type { MoQuirks } from '../faults/mo-quirks';
import { SimError } from '../errors/sim-error';
import { MoInjector, type DeliverSmFields, type MoRedelivery, type MoRoute, type MoSession } from './mo-injector';
import { TrafficStats } from './traffic-stats';

class FakeSession implements MoSession {
  readonly sent: DeliverSmFields[] = [];
  /** The hand-written deliver_sm, each as sent (its fields, decoded, are in `sent` too). */
  readonly raw: Buffer[] = [];
  constructor(private readonly answer: (fields: DeliverSmFields, n: number) => Promise<{ commandStatus: number }> = async () => ({ commandStatus: 0 })) {}
  deliverSm(fields: DeliverSmFields) {
    this.sent.push(fields);
    return this.answer(fields, this.sent.length);
  }
  deliverSmRaw(bytes: Buffer) {
    this.raw.push(bytes);
    return this.deliverSm(decodePdu(bytes) as DeliverSm);
  }
}

class FakeRoute implements MoRoute {
  private turn = 0;
  private readonly listeners = new Set<() => void>();
  constructor(
    readonly sessions: FakeSession[],
    private readonly redelivery?: MoRedelivery,
    private readonly quirks: () => MoQuirks = () => ({}),
  ) {}
  nextReceiver(avoid?: MoSession) {
    if (this.sessions.length === 0) return undefined;
    const next = this.sessions[this.turn++ % this.sessions.length];
    return next === avoid && this.sessions.length > 1 ? this.sessions[this.turn++ % this.sessions.length] : next;
  }
  moRedelivery() {
    return this.redelivery;
  }
  nextMoQuirks() {
    return this.quirks();
  }
  onReceiverBound(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** A receiving bind comes up. */
  bind(session: FakeSession): void {
    this.sessions.push(session);
    for (const listener of [...this.listeners]) listener();
  }
  /** A bind goes away, as its connection drops. */
  drop(session: FakeSession): void {
    this.sessions.splice(this.sessions.indexOf(session), 1);
  }
  get subscribers(): number {
    return this.listeners.size;
  }
}

function setup(sessions: FakeSession[], redelivery?: MoRedelivery, quirks?: () => MoQuirks) {
  const stats = new TrafficStats(['jazz']);
  const route = new FakeRoute(sessions, redelivery, quirks);
  const injector = new MoInjector({ routes: new Map([['jazz', route]]), shortCode: '8300', stats });
  return { stats, injector, route };
}

const connectionLost = () => new SmppError('CONNECTION_LOST', 'deliver_sm: connection closed before a response', { retriable: true });

/** Settles the promise's state for a synchronous look: 'pending' until it has settled. */
async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await jest.advanceTimersByTimeAsync(0);
  return state;
}

function textOf(sent: DeliverSmFields[]): string {
  const r = new ConcatReassembler();
  if (sent.length === 1 && !(sent[0].esmClass & 0x40)) return decodeShortMessage(sent[0].dataCoding, sent[0].shortMessage);
  for (const f of sent) {
    const parsed = parseUdh(f.shortMessage);
    const c = parsed?.udh.concat;
    if (!parsed || !c) throw new Error('part without concat UDH');
    const done = r.add({ sourceKey: 'k', ref: c.ref, total: c.total, seq: c.seq, dataCoding: f.dataCoding, payload: parsed.payload });
    if (done) return done.text;
  }
  throw new Error('incomplete');
}

describe('MoInjector', () => {
  it('sends a short Latin MO as one GSM 7-bit deliver_sm to the short code', async () => {
    const session = new FakeSession();
    const { injector, stats } = setup([session]);
    const ack = await injector.inject('jazz', '923001234567', '3520212345671');
    expect(ack).toMatchObject({ operator: 'jazz', parts: 1, dataCoding: 0, commandStatus: 0 });
    expect(session.sent).toHaveLength(1);
    expect(session.sent[0]).toMatchObject({ sourceAddr: '923001234567', destinationAddr: '8300', dataCoding: 0, esmClass: 0, sourceAddrTon: 1 });
    expect(session.sent[0].shortMessage.toString('latin1')).toBe('3520212345671');
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, moPartsSent: 1, mosAcked: 1 });
  });

  it('sends a long Urdu MO as UCS-2 parts with a concat UDH, one after another', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const session = new FakeSession(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await Promise.resolve();
      inFlight--;
      return { commandStatus: 0 };
    });
    const { injector, stats } = setup([session]);
    const text = 'میرا شناختی کارڈ نمبر ۳۵۲۰۲۱۲۳۴۵۶۷۱ ہے، براہ کرم میرا ووٹ نمبر بتائیں۔ '.repeat(2);
    const ack = await injector.inject('jazz', '923001234567', text);
    expect(ack.parts).toBe(3);
    expect(maxInFlight).toBe(1);
    expect(session.sent.every((f) => f.dataCoding === 8 && f.esmClass === 0x40)).toBe(true);
    expect(textOf(session.sent)).toBe(text);
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, moPartsSent: 3, mosAcked: 1 });
  });

  it('spreads MOs over the receiving binds and uses a new concat reference each time', async () => {
    const a = new FakeSession();
    const b = new FakeSession();
    const { injector } = setup([a, b]);
    const long = 'x'.repeat(200);
    await injector.inject('jazz', '923001234567', long);
    await injector.inject('jazz', '923001234567', long);
    expect(a.sent).toHaveLength(2);
    expect(b.sent).toHaveLength(2);
    expect(parseUdh(a.sent[0].shortMessage)?.udh.concat?.ref).not.toBe(parseUdh(b.sent[0].shortMessage)?.udh.concat?.ref);
  });

  it('reports a refused MO with the status name and counts it', async () => {
    const session = new FakeSession(async () => {
      throw new SmppCommandError('deliver_sm', CommandStatus.ESME_RX_T_APPN);
    });
    const { injector, stats } = setup([session]);
    const err = await injector.inject('jazz', '923001234567', 'hi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MoRefusedError);
    expect(err).toMatchObject({ commandStatus: CommandStatus.ESME_RX_T_APPN, commandStatusName: 'ESME_RX_T_APPN' });
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, mosAcked: 0, mosRefused: { ESME_RX_T_APPN: 1 } });
  });

  it('stops sending parts after a refused one', async () => {
    const session = new FakeSession(async (_f, n) => ({ commandStatus: n === 2 ? CommandStatus.ESME_RSYSERR : 0 }));
    const { injector } = setup([session]);
    await expect(injector.inject('jazz', '923001234567', 'y'.repeat(400))).rejects.toBeInstanceOf(MoRefusedError);
    expect(session.sent).toHaveLength(2);
  });

  it('fails with MO_FAILED when the deliver_sm gets no answer', async () => {
    const session = new FakeSession(async () => {
      throw new SmppError('RESPONSE_TIMEOUT', 'no deliver_sm_resp');
    });
    const { injector, stats } = setup([session]);
    await expect(injector.inject('jazz', '923001234567', 'hi')).rejects.toMatchObject({ code: 'MO_FAILED', retriable: true });
    expect(stats.of('jazz').mosFailed).toBe(1);
  });

  it('refuses unknown operators and operators without a receiving bind', async () => {
    const { injector } = setup([]);
    await expect(injector.inject('mobilink', '923001234567', 'hi')).rejects.toMatchObject({ code: 'UNKNOWN_OPERATOR' });
    const err = await injector.inject('jazz', '923001234567', 'hi').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimError);
    expect(err).toMatchObject({ code: 'NO_RECEIVER_BIND' });
    expect(injector.canDeliver('jazz')).toBe(false);
  });

  it('without moRedelivery, tries a temporary refusal and a lost connection once, as before', async () => {
    const refusing = new FakeSession(async () => ({ commandStatus: CommandStatus.ESME_RX_T_APPN }));
    const { injector, stats, route } = setup([refusing]);
    await expect(injector.inject('jazz', '923001234567', 'hi')).rejects.toBeInstanceOf(MoRefusedError);
    route.drop(refusing);
    const dropping = new FakeSession(async () => {
      throw connectionLost();
    });
    route.bind(dropping);
    await expect(injector.inject('jazz', '923001234567', 'hi')).rejects.toMatchObject({ code: 'MO_FAILED' });
    expect(refusing.sent).toHaveLength(1);
    expect(dropping.sent).toHaveLength(1);
    expect(route.subscribers).toBe(0);
    expect(stats.of('jazz')).toMatchObject({ mosRedelivered: 0, mosWaitedForBind: 0, mosRefused: { ESME_RX_T_APPN: 1 }, mosFailed: 1 });
  });
});

describe('MoInjector with the fault plan quirks', () => {
  const urdu = 'میرا شناختی کارڈ نمبر ۳۵۲۰۲۱۲۳۴۵۶۷۱ ہے، براہ کرم میرا ووٹ نمبر بتائیں۔ '.repeat(2);

  it('sends every part of an MO with the quirks picked for it, asking the plan once per MO', async () => {
    const session = new FakeSession();
    let asked = 0;
    const quirks = (): MoQuirks => (++asked === 1 ? { sourceNational: true, destinationForm: 'national' } : {});
    const { injector, stats } = setup([session], undefined, quirks);
    await injector.inject('jazz', '923001234567', urdu);
    expect(asked).toBe(1);
    expect(session.sent).toHaveLength(3);
    for (const part of session.sent) {
      expect(part).toMatchObject({ sourceAddr: '3001234567', sourceAddrTon: 2, destinationAddr: '08300', destAddrTon: 2 });
    }
    expect(textOf(session.sent)).toBe(urdu);
    await injector.inject('jazz', '923001234567', 'HELP');
    expect(session.sent[3]).toMatchObject({ sourceAddr: '923001234567', sourceAddrTon: 1, destinationAddr: '8300', destAddrTon: 0 });
    expect(stats.of('jazz').moQuirks).toEqual({ 'source-national': 1, 'destination-national': 1 });
  });

  it('writes each part with trailing octets by hand, the rest of the PDU as the encoder has it', async () => {
    const session = new FakeSession();
    const { injector, stats } = setup([session], undefined, () => ({ trailingOctets: Buffer.from([0, 0]) }));
    await injector.inject('jazz', '923001234567', urdu);
    expect(session.raw).toHaveLength(3);
    for (const bytes of session.raw) {
      expect(bytes.readUInt32BE(0)).toBe(bytes.length);
      expect(bytes.subarray(-2)).toEqual(Buffer.from([0, 0]));
    }
    // What the ESME reads, the trailing octets dropped: the same MO.
    expect(textOf(session.sent)).toBe(urdu);
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, moPartsSent: 3, mosAcked: 1, moQuirks: { 'trailing-octets': 1 } });
  });

  it('counts a USSD step apart, with the status the ESME refused it with', async () => {
    const session = new FakeSession(async (fields) => ({ commandStatus: fields.serviceType === 'USSD' ? CommandStatus.ESME_RX_R_APPN : 0 }));
    let n = 0;
    const { injector, stats } = setup([session], undefined, () => (++n === 1 ? { ussd: 'service-type' } : {}));
    const err = await injector.inject('jazz', '923001234567', '1').catch((e: unknown) => e);
    expect(err).toMatchObject({ commandStatus: CommandStatus.ESME_RX_R_APPN, commandStatusName: 'ESME_RX_R_APPN' });
    await injector.inject('jazz', '923001234567', 'HELP');
    expect(stats.of('jazz')).toMatchObject({
      mosSent: 2,
      mosAcked: 1,
      mosRefused: { ESME_RX_R_APPN: 1 },
      ussdMosSent: 1,
      ussdMosAcked: 0,
      ussdMosRefused: { ESME_RX_R_APPN: 1 },
      ussdMosFailed: 0,
      moQuirks: { 'ussd-service-type': 1 },
    });
  });

  it('counts a USSD step the ESME acknowledged, which it should not have', async () => {
    const { injector, stats } = setup([new FakeSession()], undefined, () => ({ ussd: 'ussd-service-op' }));
    await injector.inject('jazz', '923001234567', '1');
    expect(stats.of('jazz')).toMatchObject({ ussdMosSent: 1, ussdMosAcked: 1, ussdMosRefused: {} });
  });

  it('sends each part of a long MO spread over binds on another bind than the part before it', async () => {
    const binds = [new FakeSession(), new FakeSession(), new FakeSession()];
    const { injector, stats } = setup(binds, undefined, () => ({ partsAcrossBinds: 'udh8' }));
    const text = 'z'.repeat(400);
    await expect(injector.inject('jazz', '923001234567', text)).resolves.toMatchObject({ parts: 3 });
    expect(binds.map((b) => b.sent.length)).toEqual([1, 1, 1]);
    expect(textOf(binds.map((b) => b.sent[0]))).toBe(text);
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, moPartsSent: 3, mosAcked: 1, moQuirks: { 'parts-across-binds-udh8': 1 } });
  });

  it('alternates two binds even when the turn would give the same one twice, and splits with SAR when the rule says so', async () => {
    const { injector, route } = setup([], undefined, () => ({ partsAcrossBinds: 'sar' }));
    // While `a` answers, another deliver_sm (a receipt, another MO) takes the next turn, which would
    // hand `a` the following part too.
    const a = new FakeSession(async () => {
      route.nextReceiver();
      return { commandStatus: 0 };
    });
    const b = new FakeSession();
    route.sessions.push(a, b);
    await injector.inject('jazz', '923001234567', 'z'.repeat(400));
    const parts = [a.sent[0], b.sent[0], a.sent[1]];
    expect(a.sent).toHaveLength(2);
    expect(b.sent).toHaveLength(1);
    expect(parts.map((p) => getTlvNumber({ tlvs: p.tlvs ?? [] }, TlvTag.sar_segment_seqnum))).toEqual([1, 2, 3]);
    expect(parts.every((p) => p.esmClass === 0 && getTlvNumber({ tlvs: p.tlvs ?? [] }, TlvTag.sar_total_segments) === 3)).toBe(true);
  });

  it('sends a spread MO over the one bind there is, and does not count a single-part MO as spread', async () => {
    const only = new FakeSession();
    const { injector, stats } = setup([only], undefined, () => ({ partsAcrossBinds: 'udh16' }));
    await injector.inject('jazz', '923001234567', 'z'.repeat(400));
    await injector.inject('jazz', '923001234567', 'HELP');
    expect(only.sent).toHaveLength(4);
    expect(parseUdh(only.sent[0].shortMessage)?.udh.concat).toMatchObject({ total: 3, seq: 1, refBits: 16 });
    expect(stats.of('jazz').moQuirks).toEqual({ 'parts-across-binds-udh16': 1 });
  });

  it('fails a spread MO with NO_RECEIVER_BIND when no bind is up for its next part', async () => {
    const { injector, stats, route } = setup([], undefined, () => ({ partsAcrossBinds: 'udh8' }));
    // The only bind goes away as it acknowledges the first part.
    const first: FakeSession = new FakeSession(async () => {
      route.drop(first);
      return { commandStatus: 0 };
    });
    route.sessions.push(first);
    await expect(injector.inject('jazz', '923001234567', 'z'.repeat(400))).rejects.toMatchObject({ code: 'NO_RECEIVER_BIND' });
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, moPartsSent: 1, mosFailed: 1, mosAcked: 0 });
  });
});

describe('MoInjector with moRedelivery', () => {
  const plan: MoRedelivery = { maxWaitMs: 30_000, retryDelayMs: 100 };

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('holds an MO while no receiving bind is up and delivers it when one binds', async () => {
    const { injector, stats, route } = setup([], plan);
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    expect(stats.of('jazz')).toMatchObject({ mosWaitingForBind: 1, mosWaitedForBind: 1, mosSent: 0 });
    expect(await stateOf(pending)).toBe('pending');

    const session = new FakeSession();
    route.bind(session);
    await expect(pending).resolves.toMatchObject({ parts: 1, commandStatus: 0 });
    expect(session.sent.map((f) => f.shortMessage.toString('latin1'))).toEqual(['HELP']);
    expect(route.subscribers).toBe(0);
    expect(stats.of('jazz')).toMatchObject({ mosWaitingForBind: 0, mosWaitedForBind: 1, mosSent: 1, mosAcked: 1, mosRedelivered: 0 });
  });

  it('wakes every waiting MO on one bind and keeps the gauge exact', async () => {
    const { injector, stats, route } = setup([], plan);
    const pending = [1, 2, 3].map((i) => injector.inject('jazz', `92300123456${i}`, `MO ${i}`));
    expect(stats.of('jazz').mosWaitingForBind).toBe(3);
    const session = new FakeSession();
    route.bind(session);
    expect(stats.of('jazz').mosWaitingForBind).toBe(0);
    await Promise.all(pending);
    expect(session.sent.map((f) => f.sourceAddr).sort()).toEqual(['923001234561', '923001234562', '923001234563']);
    expect(stats.of('jazz')).toMatchObject({ mosWaitedForBind: 3, mosAcked: 3 });
  });

  it('delivers the same MO again on the next bind when the connection is lost before the answer', async () => {
    const { injector, stats, route } = setup([], plan);
    const dropping: FakeSession = new FakeSession(async () => {
      route.drop(dropping);
      throw connectionLost();
    });
    route.bind(dropping);
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    await jest.advanceTimersByTimeAsync(plan.retryDelayMs);
    // The only bind is gone: the MO waits for the next one.
    expect(stats.of('jazz')).toMatchObject({ mosWaitingForBind: 1, mosWaitedForBind: 1 });

    const next = new FakeSession();
    route.bind(next);
    await expect(pending).resolves.toMatchObject({ commandStatus: 0 });
    expect(next.sent).toEqual(dropping.sent);
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, moPartsSent: 2, mosRedelivered: 1, mosAcked: 1, mosFailed: 0, mosWaitingForBind: 0 });
  });

  it('delivers a hand-written MO again byte for byte, its quirks counted once', async () => {
    const session = new FakeSession(async (_f, n) => {
      if (n === 1) throw connectionLost();
      return { commandStatus: 0 };
    });
    const { injector, stats } = setup([session], plan, () => ({ trailingOctets: Buffer.from([0]), destinationForm: 'plus-international' }));
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    await jest.advanceTimersByTimeAsync(plan.retryDelayMs);
    await expect(pending).resolves.toMatchObject({ commandStatus: 0 });
    expect(session.raw).toHaveLength(2);
    expect(session.raw[1]).toEqual(session.raw[0]);
    expect(session.sent[1].destinationAddr).toBe('+928300');
    expect(stats.of('jazz')).toMatchObject({ mosRedelivered: 1, moQuirks: { 'trailing-octets': 1, 'destination-plus-international': 1 } });
  });

  it('delivers again after a response timeout, retryDelayMs later', async () => {
    const session = new FakeSession(async (_f, n) => {
      if (n === 1) throw new SmppError('RESPONSE_TIMEOUT', 'no deliver_sm_resp', { retriable: true });
      return { commandStatus: 0 };
    });
    const { injector, stats } = setup([session], plan);
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    await jest.advanceTimersByTimeAsync(plan.retryDelayMs - 1);
    expect(session.sent).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ commandStatus: 0 });
    expect(session.sent).toHaveLength(2);
    expect(stats.of('jazz')).toMatchObject({ mosRedelivered: 1, mosWaitedForBind: 0 });
  });

  it.each(['ESME_RX_T_APPN', 'ESME_RMSGQFUL', 'ESME_RTHROTTLED'] as const)('delivers again after the temporary status %s', async (status) => {
    const session = new FakeSession(async (_f, n) => ({ commandStatus: n === 1 ? CommandStatus[status] : 0 }));
    const { injector, stats } = setup([session], plan);
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    await jest.advanceTimersByTimeAsync(plan.retryDelayMs);
    await expect(pending).resolves.toMatchObject({ commandStatus: 0 });
    expect(session.sent).toHaveLength(2);
    expect(session.sent[1]).toEqual(session.sent[0]);
    expect(stats.of('jazz')).toMatchObject({ mosRedelivered: 1, mosAcked: 1, mosRefused: {} });
  });

  it.each(['ESME_RINVSRCADR', 'ESME_RSYSERR'] as const)('does not deliver again after the permanent status %s', async (status) => {
    const session = new FakeSession(async () => ({ commandStatus: CommandStatus[status] }));
    const { injector, stats } = setup([session], plan);
    await expect(injector.inject('jazz', '923001234567', 'HELP')).rejects.toMatchObject({ commandStatusName: status });
    expect(session.sent).toHaveLength(1);
    expect(stats.of('jazz')).toMatchObject({ mosRedelivered: 0, mosRefused: { [status]: 1 } });
  });

  it('resumes a concatenated MO from the part that failed, on the next bind', async () => {
    const { injector, stats, route } = setup([], plan);
    const first: FakeSession = new FakeSession(async (_f, n) => {
      if (n < 2) return { commandStatus: 0 };
      route.drop(first);
      throw connectionLost();
    });
    route.bind(first);
    const text = 'z'.repeat(400);
    const pending = injector.inject('jazz', '923001234567', text);
    await jest.advanceTimersByTimeAsync(plan.retryDelayMs);
    const second = new FakeSession();
    route.bind(second);
    await expect(pending).resolves.toMatchObject({ parts: 3 });

    expect(first.sent).toHaveLength(2);
    expect(second.sent).toHaveLength(2);
    expect(second.sent[0]).toEqual(first.sent[1]);
    expect(textOf([first.sent[0], ...second.sent])).toBe(text);
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, moPartsSent: 4, mosRedelivered: 1, mosAcked: 1 });
  });

  it('counts an MO that waited for several binds once', async () => {
    const { injector, stats, route } = setup([], plan);
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    const dropping: FakeSession = new FakeSession(async () => {
      route.drop(dropping);
      throw connectionLost();
    });
    route.bind(dropping);
    await jest.advanceTimersByTimeAsync(plan.retryDelayMs);
    route.bind(new FakeSession());
    await pending;
    expect(stats.of('jazz')).toMatchObject({ mosWaitedForBind: 1, mosRedelivered: 1, mosWaitingForBind: 0 });
  });

  it('gives up with NO_RECEIVER_BIND when no bind comes within maxWaitMs', async () => {
    const { injector, stats, route } = setup([], plan);
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    await jest.advanceTimersByTimeAsync(plan.maxWaitMs - 1);
    expect(await stateOf(pending)).toBe('pending');
    const outcome = expect(pending).rejects.toMatchObject({ code: 'NO_RECEIVER_BIND' });
    await jest.advanceTimersByTimeAsync(1);
    await outcome;
    expect(route.subscribers).toBe(0);
    expect(stats.of('jazz')).toMatchObject({ mosWaitingForBind: 0, mosWaitedForBind: 1, mosSent: 0, mosFailed: 0 });
  });

  it('gives up with the last delivery failure when maxWaitMs runs out: MO_FAILED after a lost connection', async () => {
    const { injector, stats, route } = setup([], plan);
    const dropping: FakeSession = new FakeSession(async () => {
      route.drop(dropping);
      throw connectionLost();
    });
    route.bind(dropping);
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    const outcome = expect(pending).rejects.toMatchObject({ code: 'MO_FAILED' });
    await jest.advanceTimersByTimeAsync(plan.maxWaitMs);
    await outcome;
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, mosFailed: 1, mosWaitingForBind: 0 });
  });

  it('gives up with the last temporary status when the ESME keeps refusing for maxWaitMs, counted once', async () => {
    const session = new FakeSession(async () => ({ commandStatus: CommandStatus.ESME_RMSGQFUL }));
    const { injector, stats } = setup([session], { maxWaitMs: 1_000, retryDelayMs: 100 });
    const pending = injector.inject('jazz', '923001234567', 'HELP');
    const outcome = expect(pending).rejects.toMatchObject({ commandStatusName: 'ESME_RMSGQFUL' });
    await jest.advanceTimersByTimeAsync(1_000);
    await outcome;
    // Attempts at 0, 100 ... 900 ms, the last pause runs into the deadline.
    expect(session.sent).toHaveLength(10);
    expect(stats.of('jazz')).toMatchObject({ mosRedelivered: 9, mosRefused: { ESME_RMSGQFUL: 1 } });
  });

  it("stops at the caller's timeoutMs when it comes before maxWaitMs", async () => {
    const { injector } = setup([], plan);
    const pending = injector.inject('jazz', '923001234567', 'HELP', { timeoutMs: 500 });
    const outcome = expect(pending).rejects.toMatchObject({ code: 'NO_RECEIVER_BIND' });
    await jest.advanceTimersByTimeAsync(500);
    await outcome;
  });

  it('releases MOs waiting for a bind or a retry at close(), and refuses to queue new ones', async () => {
    const refusing = new FakeSession(async () => ({ commandStatus: CommandStatus.ESME_RX_T_APPN }));
    const { injector, stats, route } = setup([refusing], plan);
    const retrying = injector.inject('jazz', '923001234567', 'HELP');
    await jest.advanceTimersByTimeAsync(0);
    route.drop(refusing);
    const waiting = injector.inject('jazz', '923001234568', 'HELP');
    expect(stats.of('jazz').mosWaitingForBind).toBe(1);

    injector.close();
    await expect(retrying).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    await expect(waiting).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(stats.of('jazz').mosWaitingForBind).toBe(0);
    expect(route.subscribers).toBe(0);
    await expect(injector.inject('jazz', '923001234569', 'HELP')).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});
