import { CommandStatus, ConcatReassembler, decodeShortMessage, parseUdh, SmppCommandError, SmppError } from '@parchee/smpp';
import { MoRefusedError } from '../errors/mo-refused-error';
import { SimError } from '../errors/sim-error';
import { MoInjector, type DeliverSmFields, type MoRoute, type MoSession } from './mo-injector';
import { TrafficStats } from './traffic-stats';

class FakeSession implements MoSession {
  readonly sent: DeliverSmFields[] = [];
  constructor(private readonly answer: (fields: DeliverSmFields, n: number) => Promise<{ commandStatus: number }> = async () => ({ commandStatus: 0 })) {}
  deliverSm(fields: DeliverSmFields) {
    this.sent.push(fields);
    return this.answer(fields, this.sent.length);
  }
}

class FakeRoute implements MoRoute {
  private turn = 0;
  constructor(readonly sessions: FakeSession[]) {}
  nextReceiver() {
    if (this.sessions.length === 0) return undefined;
    return this.sessions[this.turn++ % this.sessions.length];
  }
}

function setup(sessions: FakeSession[]) {
  const stats = new TrafficStats(['jazz']);
  const injector = new MoInjector({ routes: new Map([['jazz', new FakeRoute(sessions)]]), shortCode: '8300', stats });
  return { stats, injector };
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
});
