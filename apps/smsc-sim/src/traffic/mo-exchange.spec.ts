import { segmentForSms } from '@parchee/smpp';
import { MoExchange } from './mo-exchange';
import { MoInjector, type DeliverSmFields, type MoRoute, type MoSession } from './mo-injector';
import { MtRecorder } from './mt-recorder';
import { TrafficStats } from './traffic-stats';

class FakeClock {
  t = 0;
  now(): number {
    return this.t;
  }
}

/** The "service": answers each deliver_sm through the recorder, as if a submit_sm had arrived. */
function serviceSession(recorder: MtRecorder, clock: FakeClock, opts: { replyBeforeAck?: boolean; status?: number } = {}): MoSession {
  return {
    async deliverSm(f: DeliverSmFields) {
      const reply = () => {
        clock.t += 40;
        const { dataCoding, segments } = segmentForSms(`reply to ${f.shortMessage.toString('latin1')}`, { reference: 1 });
        for (const s of segments) {
          recorder.record(
            'jazz',
            { sourceAddr: '8300', destinationAddr: f.sourceAddr, dataCoding, esmClass: s.esmClass, shortMessage: s.shortMessage, tlvs: s.tlvs },
            'id',
          );
        }
      };
      if (opts.replyBeforeAck) reply();
      else setImmediate(reply);
      return { commandStatus: opts.status ?? 0 };
    },
    deliverSmRaw: noRawPdus,
  };
}

/** These MOs have no quirks, so nothing is written by hand. */
const noRawPdus = (): Promise<never> => Promise.reject(new Error('no hand-written deliver_sm expected'));

describe('MoExchange', () => {
  let clock: FakeClock;
  let stats: TrafficStats;
  let recorder: MtRecorder;

  beforeEach(() => {
    clock = new FakeClock();
    stats = new TrafficStats(['jazz']);
    recorder = new MtRecorder({ historyLimit: 100, concatTimeoutMs: 1_000, stats, clock, sweepIntervalMs: 0 });
  });
  afterEach(() => recorder.close());

  function exchangeWith(session: MoSession | undefined): MoExchange {
    const route: MoRoute = {
      nextReceiver: () => session,
      moRedelivery: () => undefined,
      nextMoQuirks: () => ({}),
      onReceiverBound: () => () => undefined,
    };
    return exchangeOn(route);
  }

  function exchangeOn(route: MoRoute): MoExchange {
    const injector = new MoInjector({ routes: new Map([['jazz', route]]), shortCode: '8300', stats, clock });
    return new MoExchange(injector, recorder);
  }

  /** A route under a moRedelivery plan with no bind up until `bind` is called. */
  function queuedRoute(): { route: MoRoute; bind(session: MoSession): void } {
    let session: MoSession | undefined;
    const listeners = new Set<() => void>();
    return {
      route: {
        nextReceiver: () => session,
        moRedelivery: () => ({ maxWaitMs: 60_000, retryDelayMs: 0 }),
        nextMoQuirks: () => ({}),
        onReceiverBound: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      bind: (s) => {
        session = s;
        for (const listener of [...listeners]) listener();
      },
    };
  }

  it('returns the reply MT and the latency from MO sent to MT complete', async () => {
    const outcome = await exchangeWith(serviceSession(recorder, clock)).run({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 1_000 });
    expect(outcome.kind).toBe('replied');
    if (outcome.kind !== 'replied') return;
    expect(outcome.mt.text).toBe('reply to HELP');
    expect(outcome.latencyMs).toBe(40);
    expect(outcome.mo.commandStatus).toBe(0);
  });

  it('counts a reply that overtakes the deliver_sm_resp', async () => {
    const outcome = await exchangeWith(serviceSession(recorder, clock, { replyBeforeAck: true })).run({
      operator: 'jazz',
      msisdn: '923001234567',
      text: 'HELP',
      timeoutMs: 1_000,
    });
    expect(outcome.kind).toBe('replied');
  });

  it('times out when the service never answers', async () => {
    const silent: MoSession = { deliverSm: async () => ({ commandStatus: 0 }), deliverSmRaw: noRawPdus };
    const outcome = await exchangeWith(silent).run({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 20 });
    expect(outcome).toMatchObject({ kind: 'timeout', mo: { commandStatus: 0 } });
    expect(recorder.waiting).toBe(0);
  });

  it('stops waiting for a reply when the MO cannot be delivered', async () => {
    await expect(exchangeWith(undefined).run({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'NO_RECEIVER_BIND',
    });
    expect(recorder.waiting).toBe(0);
  });

  it('pairs the reply with an MO that waited for a bind, latency from its first deliver_sm', async () => {
    const { route, bind } = queuedRoute();
    const pending = exchangeOn(route).run({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 60_000 });
    // The reply waiter is already in place while the MO waits for a bind.
    expect(recorder.waiting).toBe(1);
    expect(stats.of('jazz').mosWaitingForBind).toBe(1);
    clock.t = 5_000;
    bind(serviceSession(recorder, clock, { replyBeforeAck: true }));
    const outcome = await pending;
    expect(outcome).toMatchObject({ kind: 'replied', mt: { text: 'reply to HELP' }, latencyMs: 40, mo: { sentAt: 5_000 } });
    expect(stats.of('jazz')).toMatchObject({ mosWaitedForBind: 1, mosWaitingForBind: 0, mosAcked: 1 });
  });

  it('inject resolves at the acknowledgement with no reply waiter, leaving the reply unpaired in the history', async () => {
    let waitingAtDelivery = -1;
    const service = serviceSession(recorder, clock);
    const session: MoSession = {
      deliverSm: (f) => {
        waitingAtDelivery = recorder.waiting;
        return service.deliverSm(f);
      },
      deliverSmRaw: noRawPdus,
    };
    const mo = await exchangeWith(session).inject({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 1_000 });
    expect(mo).toMatchObject({ operator: 'jazz', commandStatus: 0, parts: 1 });
    expect(waitingAtDelivery).toBe(0);
    expect(recorder.waiting).toBe(0);
    // The service's reply comes after the acknowledgement and is recorded like any other MT.
    await new Promise((r) => setImmediate(r));
    expect(recorder.recent({ msisdn: '923001234567' }).map((mt) => mt.text)).toEqual(['reply to HELP']);
    expect(stats.of('jazz')).toMatchObject({ mosSent: 1, mosAcked: 1 });
  });

  it('inject rejects as run does when the MO cannot be delivered', async () => {
    await expect(exchangeWith(undefined).inject({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 1_000 })).rejects.toMatchObject({
      code: 'NO_RECEIVER_BIND',
    });
    const refusing = serviceSession(recorder, clock, { status: 0x58 });
    await expect(exchangeWith(refusing).inject({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 1_000 })).rejects.toMatchObject({
      commandStatusName: 'ESME_RTHROTTLED',
    });
    expect(recorder.waiting).toBe(0);
  });

  it("stops an MO waiting for a bind at the exchange timeout, before the plan's maxWaitMs", async () => {
    const { route } = queuedRoute();
    await expect(exchangeOn(route).run({ operator: 'jazz', msisdn: '923001234567', text: 'HELP', timeoutMs: 20 })).rejects.toMatchObject({
      code: 'NO_RECEIVER_BIND',
    });
    expect(recorder.waiting).toBe(0);
    expect(stats.of('jazz').mosWaitingForBind).toBe(0);
  });
});
